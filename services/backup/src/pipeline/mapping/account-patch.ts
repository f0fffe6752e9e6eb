import { type Secret } from '@vault-backup/config';
import {
  type BackupProperty,
  BACKUP_PLATFORM_PROPERTIES,
  MANUAL_MANAGEMENT_REASON,
} from './backup-properties';
import { type DesiredAccount, type PropertyValue } from './backup-account.mapper';
import { type AccountFingerprint, fingerprintOf, type FieldHasher, propertyKey } from './account-fingerprint';

export type PatchPath =
  | '/address'
  | '/userName'
  | '/platformId'
  | `/platformAccountProperties/${string}`
  | '/secretManagement/automaticManagementEnabled'
  | '/secretManagement/manualManagementReason';

export type PatchOp =
  | { readonly op: 'add' | 'replace'; readonly path: PatchPath; readonly value: string | boolean | Secret }
  | { readonly op: 'remove'; readonly path: PatchPath };

/** The minimal set of writes that turns `current` into `desired`. */
export interface AccountChanges {
  readonly patch: readonly PatchOp[];
  /** The password to set through Password/Update, when it changed (or is unknown). */
  readonly secret?: Secret;
  readonly next: AccountFingerprint;
}

export function computeChanges(
  current: AccountFingerprint,
  desired: DesiredAccount,
  hash: FieldHasher,
): AccountChanges {
  const next = fingerprintOf(desired, hash);
  const patch: PatchOp[] = [
    ...topLevelChange('/platformId', 'platformId', current, next, desired.platformId),
    ...topLevelChange('/address', 'address', current, next, desired.address),
    ...topLevelChange('/userName', 'userName', current, next, desired.userName),
    ...BACKUP_PLATFORM_PROPERTIES.flatMap((property) =>
      propertyChange(property, current, next, desired.properties[property]),
    ),
    ...managementChange(current, next),
  ];
  const secretChanged = next.secret !== undefined && next.secret !== current.secret;
  return { patch, next, ...(secretChanged && desired.secret ? { secret: desired.secret } : {}) };
}

function topLevelChange(
  path: '/platformId' | '/address' | '/userName',
  key: string,
  current: AccountFingerprint,
  next: AccountFingerprint,
  value: string | undefined,
): PatchOp[] {
  if (current[key] === next[key]) return [];
  if (value === undefined) return [{ op: 'replace', path, value: '' }];
  return [{ op: 'replace', path, value }];
}

function propertyChange(
  property: BackupProperty,
  current: AccountFingerprint,
  next: AccountFingerprint,
  value: PropertyValue | undefined,
): PatchOp[] {
  const key = propertyKey(property);
  const path: PatchPath = `/platformAccountProperties/${property}`;
  if (current[key] === next[key]) return [];
  if (value === undefined) return [{ op: 'remove', path }];
  return [{ op: current[key] === undefined ? 'add' : 'replace', path, value }];
}

/** CPM must never rotate a backup copy: (re)assert manual management when we do not know it holds. */
function managementChange(current: AccountFingerprint, next: AccountFingerprint): PatchOp[] {
  if (current.management === next.management) return [];
  return [
    { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: false },
    { op: 'replace', path: '/secretManagement/manualManagementReason', value: MANUAL_MANAGEMENT_REASON },
  ];
}
