import {
  CyberArkAuthError,
  CyberArkPermissionError,
  CyberArkPlatformNotFoundError,
  CyberArkSafeNotFoundError,
  type PlatformDefinition,
  type SafeMember,
  type SafePermissionKey,
} from '@vault-backup/cyberark';
import { BACKUP_PLATFORM_PROPERTIES } from '../../pipeline/mapping/backup-properties';
import { type CheckName, type CheckResult } from './check-report';
import { classifyConnectionError } from './connection-failure';

/**
 * What the backup does in the Safe (find accounts, add them, update their secret and properties),
 * and what the setup needs to check that: reading the Safe's members, its own membership included.
 */
export const REQUIRED_SAFE_PERMISSIONS: readonly SafePermissionKey[] = [
  'listAccounts',
  'addAccounts',
  'updateAccountContent',
  'updateAccountProperties',
  'viewSafeMembers',
];

const PERMISSION_LABELS: Readonly<Partial<Record<SafePermissionKey, string>>> = {
  listAccounts: 'List accounts',
  addAccounts: 'Add accounts',
  updateAccountContent: 'Update account content',
  updateAccountProperties: 'Update account properties',
  viewSafeMembers: 'View Safe Members',
};

const labelled = (keys: readonly SafePermissionKey[]) =>
  keys.map((key) => `${key} (${PERMISSION_LABELS[key] ?? key})`).join(', ');

export function safeFound(safeName: string): CheckResult {
  return {
    name: 'safe',
    status: 'passed',
    message: `Safe "${safeName}" exists and the service user can see it.`,
  };
}

/**
 * The service user's own membership, read once the Safe itself proved visible. `null`: the members
 * list answered that it has no such member, so its access comes through a group or role.
 */
export function permissionsCheck(safeName: string, member: SafeMember | null): CheckResult {
  if (member === null) {
    return {
      name: 'safe-permissions',
      status: 'failed',
      message: `The service user can see Safe "${safeName}" but is not a direct member of it (its access comes through a group or role, whose permissions cannot be checked); add the service user itself as a member with ${labelled(REQUIRED_SAFE_PERMISSIONS)}.`,
      missing: REQUIRED_SAFE_PERMISSIONS,
    };
  }
  const missing = REQUIRED_SAFE_PERMISSIONS.filter((key) => !member.permissions[key]);
  if (missing.length === 0) {
    return {
      name: 'safe-permissions',
      status: 'passed',
      message: `The service user holds every Safe permission the backup and its checks need: ${labelled(REQUIRED_SAFE_PERMISSIONS)}.`,
    };
  }
  return {
    name: 'safe-permissions',
    status: 'failed',
    message: `The service user lacks these permissions on Safe "${safeName}": ${labelled(missing)}.`,
    missing,
  };
}

export function platformCheck(platform: PlatformDefinition): CheckResult {
  if (!platform.active) {
    return {
      name: 'platform',
      status: 'failed',
      message: `Platform "${platform.id}" exists but is inactive; activate it.`,
    };
  }
  return { name: 'platform', status: 'passed', message: `Platform "${platform.id}" exists and is active.` };
}

export function propertiesCheck(platform: PlatformDefinition): CheckResult {
  const optional = new Set(platform.optionalProperties);
  const required = new Set(platform.requiredProperties);
  const missing = BACKUP_PLATFORM_PROPERTIES.filter((name) => !optional.has(name) && !required.has(name));
  const mustBeOptional = BACKUP_PLATFORM_PROPERTIES.filter((name) => required.has(name));
  if (missing.length === 0 && mustBeOptional.length === 0) {
    return {
      name: 'platform-properties',
      status: 'passed',
      message: 'The platform defines all ten backup properties as optional.',
    };
  }
  const parts = [
    missing.length > 0 ? `does not define ${missing.join(', ')}` : '',
    mustBeOptional.length > 0
      ? `defines ${mustBeOptional.join(', ')} as required (they must be optional)`
      : '',
  ].filter((part) => part !== '');
  return {
    name: 'platform-properties',
    status: 'failed',
    message: `Platform "${platform.id}" ${parts.join(' and ')}; add them under UI & Workflows > Properties (names are case-sensitive).`,
    missing,
    mustBeOptional,
  };
}

/** A check CyberArk answered with an error: what it means for that check. Unknown errors are rethrown. */
export function failedCheck(name: CheckName, error: unknown, subject: string): CheckResult {
  if (error instanceof CyberArkSafeNotFoundError) return safeNotFound(name, subject);
  if (error instanceof CyberArkPlatformNotFoundError) {
    return {
      name,
      status: 'failed',
      message: `Platform "${subject}" does not exist (platform IDs are matched exactly).`,
    };
  }
  if (error instanceof CyberArkPermissionError) return permissionFailure(name, subject);
  if (error instanceof CyberArkAuthError) {
    const failure = classifyConnectionError(error);
    return { name, status: 'failed', message: failure.message, failureClass: failure.class };
  }
  const failure = classifyConnectionError(error);
  return { name, status: 'failed', message: failure.message, failureClass: failure.class };
}

/**
 * "Safe not found" means two things depending on the call. Reading the Safe: it does not exist, or
 * the service user is not a member (CyberArk answers both alike, so the message names both and the
 * fix for each). Reading its members after the Safe itself was visible: the user is a member, so the
 * members list is hidden from it, i.e. it lacks View Safe Members (unless the Safe was just deleted).
 */
function safeNotFound(name: CheckName, subject: string): CheckResult {
  if (name === 'safe-permissions') {
    return {
      name,
      status: 'failed',
      message: `Safe "${subject}" is visible to the service user, but reading its members answered "Safe not found": the service user cannot view the Safe's members; grant it ${labelled(['viewSafeMembers'])} so the setup can check its permissions (unless the Safe was deleted meanwhile).`,
      missing: ['viewSafeMembers'],
    };
  }
  return {
    name,
    status: 'failed',
    message: `Safe "${subject}" was not found: no Safe has this exact name, or the service user is not a member of it (CyberArk answers both the same way). Check the name, then make sure the service user is a direct member with ${labelled(REQUIRED_SAFE_PERMISSIONS)}.`,
  };
}

function permissionFailure(name: CheckName, subject: string): CheckResult {
  if (name === 'safe-permissions') {
    return {
      name,
      status: 'failed',
      message: `The service user is a member of Safe "${subject}" but may not view its members, its own membership included; grant it ${labelled(['viewSafeMembers'])} so the setup can check its other permissions (${labelled(REQUIRED_SAFE_PERMISSIONS.filter((key) => key !== 'viewSafeMembers'))}).`,
      missing: ['viewSafeMembers'],
    };
  }
  return {
    name,
    status: 'failed',
    message: `The service user is not allowed to read ${name === 'safe' ? 'the Safe' : 'platform definitions'}.`,
  };
}

export function skipped(name: CheckName, reason: string): CheckResult {
  return { name, status: 'skipped', message: reason };
}
