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

/** What the backup does in the Safe: find accounts, add them, update their secret and properties. */
export const REQUIRED_SAFE_PERMISSIONS: readonly SafePermissionKey[] = [
  'listAccounts',
  'addAccounts',
  'updateAccountContent',
  'updateAccountProperties',
];

const PERMISSION_LABELS: Readonly<Partial<Record<SafePermissionKey, string>>> = {
  listAccounts: 'List accounts',
  addAccounts: 'Add accounts',
  updateAccountContent: 'Update account content',
  updateAccountProperties: 'Update account properties',
  viewSafeMembers: 'View Safe members',
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

export function permissionsCheck(safeName: string, member: SafeMember | null): CheckResult {
  if (member === null) {
    return {
      name: 'safe-permissions',
      status: 'failed',
      message: `The service user is not a direct member of Safe "${safeName}" (permissions through a group cannot be checked); add it with ${labelled(REQUIRED_SAFE_PERMISSIONS)}.`,
      missing: REQUIRED_SAFE_PERMISSIONS,
    };
  }
  const missing = REQUIRED_SAFE_PERMISSIONS.filter((key) => !member.permissions[key]);
  if (missing.length === 0) {
    return {
      name: 'safe-permissions',
      status: 'passed',
      message: 'The service user holds every Safe permission the backup needs.',
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
  if (error instanceof CyberArkSafeNotFoundError) {
    return {
      name,
      status: 'failed',
      message: `Safe "${subject}" does not exist, or the service user is not a member of it.`,
    };
  }
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

function permissionFailure(name: CheckName, subject: string): CheckResult {
  if (name === 'safe-permissions') {
    return {
      name,
      status: 'failed',
      message: `The service user may not read its own membership of Safe "${subject}"; grant it viewSafeMembers (View Safe members) so the setup can check its permissions.`,
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
