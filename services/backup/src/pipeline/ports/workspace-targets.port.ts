import { type TenantConnection } from '@vault-backup/cyberark';
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

export const WORKSPACE_TARGETS = Symbol('WORKSPACE_TARGETS');

export interface WorkspaceTargetsPort {
  /** Active configurations of the given workspaces; a workspace without one is simply absent. */
  activeTargets(workspaceIds: readonly string[]): Promise<Map<string, ActiveWorkspace>>;
  /** Forget what is cached about a workspace, after an admin changed its configuration. */
  invalidate(workspaceId: string): void;
}
