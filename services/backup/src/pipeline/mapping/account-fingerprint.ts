import {
  type BackupProperty,
  BACKUP_PLATFORM_PROPERTIES,
  MANUAL_MANAGEMENT_REASON,
} from './backup-properties';
import { type DesiredAccount, type PropertyValue } from './backup-account.mapper';

/**
 * What we last wrote to CyberArk, as keyed hashes per field: enough to compute the next minimal
 * write without storing any value (several of them are secrets). Keys: `address`, `userName`,
 * `platformId`, `management`, `secret`, and `prop:<name>` per platform property.
 */
export type AccountFingerprint = Readonly<Record<string, string>>;

/**
 * Keyed one-way hash (HMAC) of a field value. `context` (`<account name>/<field>`) makes equal values
 * in different accounts or fields hash differently, so the table reveals no "these two match".
 */
export type FieldHasher = (value: string, context: string) => string;

export const FINGERPRINT_MANAGEMENT_VALUE = `manual:${MANUAL_MANAGEMENT_REASON}`;

export function propertyKey(property: BackupProperty): string {
  return `prop:${property}`;
}

function reveal(value: PropertyValue): string {
  return typeof value === 'string' ? value : value.reveal();
}

function fieldHasher(hash: FieldHasher, accountName: string): (field: string, value: string) => string {
  return (field, value) => hash(value, `${accountName}/${field}`);
}

export function fingerprintOf(desired: DesiredAccount, hash: FieldHasher): AccountFingerprint {
  const of = fieldHasher(hash, desired.name);
  const fields: Record<string, string> = {
    platformId: of('platformId', desired.platformId),
    management: of('management', FINGERPRINT_MANAGEMENT_VALUE),
  };
  if (desired.address !== undefined) fields.address = of('address', desired.address);
  if (desired.userName !== undefined) fields.userName = of('userName', desired.userName);
  if (desired.secret !== undefined) fields.secret = of('secret', desired.secret.reveal());
  for (const property of BACKUP_PLATFORM_PROPERTIES) {
    const value = desired.properties[property];
    if (value !== undefined) fields[propertyKey(property)] = of(propertyKey(property), reveal(value));
  }
  return fields;
}

/** Fingerprint of an account found in CyberArk; its secret is unknowable, so `secret` is never set. */
export function fingerprintOfExisting(
  account: {
    name: string;
    platformId: string;
    address?: string;
    userName?: string;
    platformAccountProperties: Readonly<Record<string, string>>;
    secretManagement?: { automaticManagementEnabled?: boolean; manualManagementReason?: string };
  },
  hash: FieldHasher,
): AccountFingerprint {
  const of = fieldHasher(hash, account.name);
  const fields: Record<string, string> = { platformId: of('platformId', account.platformId) };
  const management = account.secretManagement;
  if (
    management?.automaticManagementEnabled === false &&
    management.manualManagementReason === MANUAL_MANAGEMENT_REASON
  ) {
    fields.management = of('management', FINGERPRINT_MANAGEMENT_VALUE);
  }
  if (account.address) fields.address = of('address', account.address);
  if (account.userName) fields.userName = of('userName', account.userName);
  for (const property of BACKUP_PLATFORM_PROPERTIES) {
    const value = account.platformAccountProperties[property];
    if (value !== undefined && value.length > 0)
      fields[propertyKey(property)] = of(propertyKey(property), value);
  }
  return fields;
}
