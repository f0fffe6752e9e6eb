import { type Principal, type Role } from './principal';

/** What a route does to a workspace's backup, for the access decision. */
export type AccessRequirement = 'read-status' | 'manage' | 'operator';

export type AccessDecision = 'allow' | 'not-found' | 'forbidden';

const WORKSPACE_MANAGERS: ReadonlySet<Role> = new Set(['owner', 'super_admin', 'admin']);

/**
 * The RBAC rules in one pure function:
 * - Owner, Super Admin and Admin of the workspace may read and change its backup, replay its failures;
 * - a caller bound to another workspace gets "not found", as if the workspace did not exist;
 * - a Member of the workspace is forbidden (403): it may know the workspace, not its backup;
 * - an operator (SRE, not workspace-bound) may read status of every workspace and nothing else.
 */
export function decideAccess(
  principal: Principal,
  requirement: AccessRequirement,
  workspaceId?: string,
): AccessDecision {
  if (requirement === 'operator') return principal.role === 'operator' ? 'allow' : 'forbidden';
  if (principal.role === 'operator') return requirement === 'read-status' ? 'allow' : 'forbidden';
  if (workspaceId === undefined || principal.workspaceId !== workspaceId) return 'not-found';
  return WORKSPACE_MANAGERS.has(principal.role) ? 'allow' : 'forbidden';
}
