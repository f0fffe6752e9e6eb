import { type BackupFailureStatus } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupFailure } from './backup-failure';

export interface FailurePosition {
  readonly createdAtMicros: string;
  readonly id: string;
}

/** The writes of one replay, inside the transaction that holds the failures' row locks. */
export interface ReplayTransaction {
  markReplayed(ids: readonly string[], replayedBy: string): Promise<BackupFailure[]>;
  audit(entries: readonly AuditEntryInput[]): Promise<void>;
}

export interface FailureStore {
  /** Newest first, after `after` when continuing. */
  page(
    workspaceId: string,
    options: { status?: BackupFailureStatus; after?: FailurePosition; limit: number },
  ): Promise<{ items: BackupFailure[]; next: FailurePosition | null }>;
  countOpen(workspaceId: string): Promise<number>;
  /**
   * Runs `work` with the failure locked (FOR UPDATE), so two replays of one failure take turns and
   * the second sees it replayed. `failure` is null when it is not in this workspace.
   */
  withLocked<T>(
    workspaceId: string,
    id: string,
    work: (failure: BackupFailure | null, tx: ReplayTransaction) => Promise<T>,
  ): Promise<T>;
  /** Up to `limit` open failures, oldest first, skipping rows another replay holds and the ids in `exclude`. */
  withLockedOpen<T>(
    workspaceId: string,
    options: { limit: number; exclude: readonly string[] },
    work: (failures: BackupFailure[], tx: ReplayTransaction) => Promise<T>,
  ): Promise<T>;
}
