import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupConfiguration, type BackupCounters, type BackupStatus } from './backup-configuration';

/** The stored fields of a configuration; timestamps of creation and revision are the store's. */
export type ConfigurationDraft = Omit<BackupConfiguration, 'revision' | 'createdAt' | 'updatedAt'>;

export interface ConfigurationSummary {
  readonly workspaceId: string;
  readonly status: BackupStatus;
  readonly validatedAt: Date | null;
  readonly enabledAt: Date | null;
  readonly updatedAt: Date;
  readonly counters: BackupCounters;
}

/**
 * Backup configurations and their audit trail. Every write commits the configuration and its audit
 * entries together; `expectedRevision` makes concurrent edits fail instead of overwriting each other.
 */
export interface ConfigurationStore {
  find(workspaceId: string): Promise<BackupConfiguration | null>;
  /** `expectedRevision` null = create; throws ConcurrentChangeError when someone else won. */
  save(
    draft: ConfigurationDraft,
    expectedRevision: number | null,
    audit: readonly AuditEntryInput[],
  ): Promise<BackupConfiguration>;
  /** Deletes and audits in one transaction; the deleted configuration, or null when there was none. */
  delete(workspaceId: string, audit: readonly AuditEntryInput[]): Promise<BackupConfiguration | null>;
  counters(workspaceId: string): Promise<BackupCounters>;
  /** Operators: every workspace's status, ordered by workspace id, after `afterWorkspaceId`. */
  list(options: {
    afterWorkspaceId?: string;
    status?: BackupStatus;
    limit: number;
  }): Promise<ConfigurationSummary[]>;
}
