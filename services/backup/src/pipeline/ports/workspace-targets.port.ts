import { type TenantConnection } from '@vault-backup/cyberark';
import { type BackupFailure } from '../domain/backup-failure';
import { type BackupTarget } from '../mapping/backup-account.mapper';

/** A workspace whose backup is enabled: where to write and under which rules. */
export interface ActiveWorkspace {
  readonly workspaceId: string;
  /** Identifies the CyberArk tenant + service user; breakers, tokens and concurrency are per tenant. */
  readonly tenantKey: string;
  readonly connection: TenantConnection;
  readonly target: BackupTarget;
  readonly allowPlaintextSecrets: boolean;
  readonly retryBudgetMs: number;
}

/**
 * A workspace whose backup is enabled but whose configuration cannot be used right now (its stored
 * client secret no longer decrypts, …): its records are parked with this reason, which tells an admin
 * what to fix, until the retry budget runs out. Other workspaces are not affected.
 */
export interface UnusableWorkspace {
  readonly workspaceId: string;
  readonly retryBudgetMs: number;
  readonly unusable: BackupFailure;
}

export type WorkspaceTarget = ActiveWorkspace | UnusableWorkspace;

export function isUnusable(target: WorkspaceTarget): target is UnusableWorkspace {
  return 'unusable' in target;
}

export const WORKSPACE_TARGETS = Symbol('WORKSPACE_TARGETS');

export interface WorkspaceTargetsPort {
  /** Enabled configurations of the given workspaces; a workspace without one is simply absent. */
  activeTargets(workspaceIds: readonly string[]): Promise<Map<string, WorkspaceTarget>>;
  /** Forget what is cached about a workspace, after an admin changed its configuration. */
  invalidate(workspaceId: string): void;
}
