import { type PermissionKey } from '../state/permissions';
import { type StoredMember, type StoredSafe } from '../state/state.types';
import { type SimulatedHttpError } from '../http/http.errors';
import { PvwaErrors } from './pvwa.errors';

/** The caller's membership; only `User` members are matched against the token's service account. */
export function membershipOf(safe: StoredSafe, caller: string): StoredMember | undefined {
  const member = safe.members.get(caller.toLowerCase());
  return member?.memberType === 'User' ? member : undefined;
}

export function isAllowed(safe: StoredSafe, caller: string, permission: PermissionKey): boolean {
  return membershipOf(safe, caller)?.permissions[permission] === true;
}

/**
 * A non-member cannot even see the Safe, so it gets the caller-chosen "not found" error; a member
 * without the permission gets 403 PASWS041E.
 */
export function requirePermission(
  safe: StoredSafe,
  caller: string,
  permission: PermissionKey,
  notVisible: () => SimulatedHttpError,
): void {
  const member = membershipOf(safe, caller);
  if (!member) throw notVisible();
  if (!member.permissions[permission]) throw PvwaErrors.forbidden();
}
