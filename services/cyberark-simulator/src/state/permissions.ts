/** The 22 Safe member permission keys of the Privilege Cloud Safe members API (reference §4.3). */
export const PERMISSION_KEYS = [
  'useAccounts',
  'retrieveAccounts',
  'listAccounts',
  'addAccounts',
  'updateAccountContent',
  'updateAccountProperties',
  'initiateCPMAccountManagementOperations',
  'specifyNextAccountContent',
  'renameAccounts',
  'deleteAccounts',
  'unlockAccounts',
  'manageSafe',
  'manageSafeMembers',
  'backupSafe',
  'viewAuditLog',
  'viewSafeMembers',
  'accessWithoutConfirmation',
  'createFolders',
  'deleteFolders',
  'moveAccountsAndFolders',
  'requestsAuthorizationLevel1',
  'requestsAuthorizationLevel2',
] as const;

export type PermissionKey = (typeof PERMISSION_KEYS)[number];
export type SafePermissions = Record<PermissionKey, boolean>;

/** Permissions not listed are denied, as for a member added in the portal with nothing ticked. */
export function toSafePermissions(granted: Partial<Record<PermissionKey, boolean>>): SafePermissions {
  const permissions = {} as SafePermissions;
  for (const key of PERMISSION_KEYS) permissions[key] = granted[key] === true;
  return permissions;
}
