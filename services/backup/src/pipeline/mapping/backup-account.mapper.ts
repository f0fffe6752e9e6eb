import { Secret } from '@vault-backup/config';
import { type AccountSecrets, type AccountSnapshot } from '../domain/account-snapshot';
import { backupAccountName } from './account-name';
import { type BackupProperty, encodeBackupCodes, SECRET_PROPERTIES } from './backup-properties';

export type PropertyValue = string | Secret;

export interface BackupTarget {
  readonly safeName: string;
  readonly platformId: string;
  /** The workspace chose "metadata only": no secret value leaves the source. */
  readonly metadataOnly: boolean;
}

/** What the CyberArk account should look like after this version is applied. */
export interface DesiredAccount {
  readonly name: string;
  readonly safeName: string;
  readonly platformId: string;
  readonly address?: string;
  readonly userName?: string;
  /** Only non-empty values: an empty or absent value means "not set" and is removed in CyberArk. */
  readonly properties: Readonly<Partial<Record<BackupProperty, PropertyValue>>>;
  readonly secret?: Secret;
}

export function toDesiredAccount(
  snapshot: AccountSnapshot,
  secrets: AccountSecrets | undefined,
  target: BackupTarget,
): DesiredAccount {
  const properties = withoutEmpty({
    accountId: snapshot.accountId,
    provider: snapshot.provider,
    label: snapshot.label,
    url: snapshot.url,
    phone: snapshot.phone,
    email: snapshot.email,
    originalPhone: snapshot.originalPhone,
    originalEmail: snapshot.originalEmail,
    totpSecret: secrets?.totpSecret,
    backupCodes: backupCodesProperty(secrets?.backupCodes),
  });
  if (target.metadataOnly) for (const key of SECRET_PROPERTIES) delete properties[key];
  const address = addressOf(snapshot);
  const userName = nonEmpty(snapshot.username) ?? nonEmpty(snapshot.email);
  const secret = target.metadataOnly ? undefined : nonEmptySecret(secrets?.password);
  return {
    name: backupAccountName(snapshot.workspaceId, snapshot.accountId),
    safeName: target.safeName,
    platformId: target.platformId,
    ...(address ? { address } : {}),
    ...(userName ? { userName } : {}),
    properties,
    ...(secret ? { secret } : {}),
  };
}

/** The host of the account's URL when it has one, else the provider (e.g. "github"). */
function addressOf(snapshot: AccountSnapshot): string | undefined {
  if (snapshot.url) {
    try {
      const host = new URL(snapshot.url).hostname;
      if (host) return host;
    } catch {
      // A URL the contract accepted but WHATWG cannot parse falls back to the provider.
    }
  }
  return nonEmpty(snapshot.provider);
}

function backupCodesProperty(codes: Secret<readonly string[]> | undefined): Secret | undefined {
  const list = codes?.reveal().filter((code) => code.length > 0);
  return list && list.length > 0 ? new Secret(encodeBackupCodes(list)) : undefined;
}

function withoutEmpty(
  values: Record<BackupProperty, PropertyValue | undefined>,
): Partial<Record<BackupProperty, PropertyValue>> {
  const result: Partial<Record<BackupProperty, PropertyValue>> = {};
  for (const [key, value] of Object.entries(values) as [BackupProperty, PropertyValue | undefined][]) {
    if (value === undefined) continue;
    if (typeof value === 'string' ? value.trim().length === 0 : value.reveal().length === 0) continue;
    result[key] = value;
  }
  return result;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim().length > 0 ? value : undefined;
}

function nonEmptySecret(value: Secret | undefined): Secret | undefined {
  return value !== undefined && value.reveal().trim().length > 0 ? value : undefined;
}
