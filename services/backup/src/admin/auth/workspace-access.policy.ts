import { OPERATOR_ROLES, type Principal, type Role } from './principal';

/**
 * What a route does, for the access decision: read a workspace's status, manage its backup, replay
 * its failures, read the operators' overview, or replay for operators (dead letters).
 */
export type AccessRequirement = 'read-status' | 'manage' | 'replay' | 'operator' | 'operator-replay';

export type AccessDecision = 'allow' | 'not-found' | 'forbidden';

const WORKSPACE_MANAGERS: ReadonlySet<Role> = new Set(['owner', 'super_admin', 'admin']);

/**
 * The RBAC rules in one pure function:
 * - Owner, Super Admin and Admin of the workspace may read and change its backup, replay its failures;
 * - a caller bound to another workspace gets "not found", as if the workspace did not exist;
 * - a Member of the workspace is forbidden (403): it may know the workspace, not its backup;
 * - an operator (SRE, not workspace-bound) may read status and replay jobs of every workspace, and
 *   nothing else: it stays read-only;
 * - `operator_replay` may do what an operator does and also replay, in any workspace and from the
 *   dead-letter topic (the audit log records the role).
 */
export function decideAccess(
  principal: Principal,
  requirement: AccessRequirement,
  workspaceId?: string,
): AccessDecision {
  if (OPERATOR_ROLES.has(principal.role)) return decideForOperator(principal.role, requirement);
  if (requirement === 'operator' || requirement === 'operator-replay') return 'forbidden';
  if (workspaceId === undefined || principal.workspaceId !== workspaceId) return 'not-found';
  return WORKSPACE_MANAGERS.has(principal.role) ? 'allow' : 'forbidden';
}

function decideForOperator(role: Role, requirement: AccessRequirement): AccessDecision {
  switch (requirement) {
    case 'read-status':
    case 'operator':
      return 'allow';
    case 'replay':
    case 'operator-replay':
      return role === 'operator_replay' ? 'allow' : 'forbidden';
    case 'manage':
      return 'forbidden';
  }
}
