import { type VaultOperation } from '../faults/fault.types';
import { type KeyVaultRole, OPERATION_DATA_ACTIONS, ROLE_DATA_ACTIONS } from './key-vault-roles';

export type AccessDecision = { allowed: true; role: KeyVaultRole } | { allowed: false; dataAction: string };

/** Azure action patterns: `*` matches any run of characters (slashes included), case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(action);
}

export function roleAllows(role: KeyVaultRole, dataAction: string): boolean {
  return ROLE_DATA_ACTIONS[role].some((pattern) => actionMatches(pattern, dataAction));
}

/**
 * Role assignments of one vault, scoped to the vault: principal (the app's client id, in the
 * vault's tenant) → roles. Tokens from another tenant never reach this check (they are 401).
 */
export class RoleAssignments {
  private readonly byPrincipal = new Map<string, Set<KeyVaultRole>>();

  assign(clientId: string, role: KeyVaultRole): void {
    const key = clientId.toLowerCase();
    const roles = this.byPrincipal.get(key) ?? new Set<KeyVaultRole>();
    roles.add(role);
    this.byPrincipal.set(key, roles);
  }

  /** Removes one role, or every role of the principal when `role` is omitted. */
  remove(clientId: string, role?: KeyVaultRole): boolean {
    const key = clientId.toLowerCase();
    const roles = this.byPrincipal.get(key);
    if (!roles) return false;
    if (role === undefined) return this.byPrincipal.delete(key);
    const removed = roles.delete(role);
    if (roles.size === 0) this.byPrincipal.delete(key);
    return removed;
  }

  rolesOf(clientId: string): KeyVaultRole[] {
    return [...(this.byPrincipal.get(clientId.toLowerCase()) ?? [])];
  }

  list(): { clientId: string; roles: KeyVaultRole[] }[] {
    return [...this.byPrincipal].map(([clientId, roles]) => ({ clientId, roles: [...roles] }));
  }

  decide(clientId: string, operation: VaultOperation): AccessDecision {
    const dataAction = OPERATION_DATA_ACTIONS[operation];
    const role = this.rolesOf(clientId).find((candidate) => roleAllows(candidate, dataAction));
    return role ? { allowed: true, role } : { allowed: false, dataAction };
  }
}
