import { SAFE_PERMISSION_KEYS } from '@vault-backup/cyberark';

/** The 22 Safe member permission keys of the Privilege Cloud Safe members API (reference §4.3). */
export const PERMISSION_KEYS = SAFE_PERMISSION_KEYS;

export type PermissionKey = (typeof PERMISSION_KEYS)[number];
export type SafePermissions = Record<PermissionKey, boolean>;

/** Permissions not listed are denied, as for a member added in the portal with nothing ticked. */
export function toSafePermissions(granted: Partial<Record<PermissionKey, boolean>>): SafePermissions {
  const permissions = {} as SafePermissions;
  for (const key of PERMISSION_KEYS) permissions[key] = granted[key] === true;
  return permissions;
}
