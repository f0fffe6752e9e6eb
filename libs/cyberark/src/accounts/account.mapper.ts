import { Secret } from '@vault-backup/config';
import {
  type CyberArkAccount,
  type NewCyberArkAccount,
  type PropertyValue,
  type RemoteMachinesAccess,
  type SecretManagement,
} from '../cyberark.types';
import {
  type WireRecord,
  compact,
  isWireRecord,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
  stringMap,
} from '../wire/wire-readers';

export interface AccountPage {
  readonly accounts: readonly CyberArkAccount[];
  readonly nextLink?: string;
}

/** Whitelists the documented account fields; anything else CyberArk adds is not copied. */
export function toCyberArkAccount(raw: unknown, operation: string): CyberArkAccount {
  const record = requireRecord(raw, operation, 'account');
  return compact({
    id: requireString(record, 'id', operation),
    name: requireString(record, 'name', operation),
    safeName: requireString(record, 'safeName', operation),
    platformId: requireString(record, 'platformId', operation),
    address: optionalString(record, 'address'),
    userName: optionalString(record, 'userName'),
    secretType: optionalString(record, 'secretType'),
    platformAccountProperties: stringMap(record['platformAccountProperties']),
    secretManagement: readSecretManagement(optionalRecord(record, 'secretManagement')),
    remoteMachinesAccess: readRemoteMachinesAccess(optionalRecord(record, 'remoteMachinesAccess')),
    createdTime: optionalNumber(record, 'createdTime'),
    categoryModificationTime: optionalNumber(record, 'categoryModificationTime'),
  });
}

/** `{ value: [...], count, nextLink? }` */
export function toAccountPage(raw: unknown, operation: string): AccountPage {
  const record = requireRecord(raw, operation, 'account list');
  const value = record['value'];
  const accounts = Array.isArray(value) ? value.map((entry) => toCyberArkAccount(entry, operation)) : [];
  const nextLink = optionalString(record, 'nextLink');
  return nextLink === undefined || nextLink.trim() === '' ? { accounts } : { accounts, nextLink };
}

/** The POST body; the only place the account secret is revealed. */
export function toAddAccountBody(account: NewCyberArkAccount): string {
  return JSON.stringify(
    compact({
      name: account.name,
      safeName: account.safeName,
      platformId: account.platformId,
      address: account.address,
      userName: account.userName,
      secretType: account.secretType ?? 'password',
      ...(account.secret === undefined ? {} : { secret: account.secret.reveal() }),
      platformAccountProperties:
        account.platformAccountProperties === undefined
          ? undefined
          : revealValues(account.platformAccountProperties),
      secretManagement:
        account.secretManagement === undefined ? undefined : compact({ ...account.secretManagement }),
      remoteMachinesAccess:
        account.remoteMachinesAccess === undefined ? undefined : compact({ ...account.remoteMachinesAccess }),
    }),
  );
}

/** Every Secret among the property values, for redaction. */
export function secretsIn(values: Readonly<Record<string, PropertyValue>> | undefined): Secret[] {
  return Object.values(values ?? {}).filter((value): value is Secret => value instanceof Secret);
}

function revealValues(values: Readonly<Record<string, PropertyValue>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, value instanceof Secret ? value.reveal() : value]),
  );
}

function readSecretManagement(record: WireRecord | undefined): SecretManagement | undefined {
  if (record === undefined) return undefined;
  return compact({
    automaticManagementEnabled: optionalBoolean(record, 'automaticManagementEnabled'),
    manualManagementReason: optionalString(record, 'manualManagementReason'),
    status: optionalString(record, 'status'),
    lastModifiedTime: optionalNumber(record, 'lastModifiedTime'),
    lastReconciledTime: optionalNumber(record, 'lastReconciledTime'),
    lastVerifiedTime: optionalNumber(record, 'lastVerifiedTime'),
  });
}

function readRemoteMachinesAccess(record: WireRecord | undefined): RemoteMachinesAccess | undefined {
  if (record === undefined || !isWireRecord(record)) return undefined;
  return compact({
    remoteMachines: optionalString(record, 'remoteMachines'),
    accessRestrictedToRemoteMachines: optionalBoolean(record, 'accessRestrictedToRemoteMachines'),
  });
}
