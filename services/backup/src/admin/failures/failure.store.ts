import { type BackupFailureStatus } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupFailure } from './backup-failure';
import { type ClassCount, type Problem, type WorkspaceProblems } from './problem';
import {
  type ProblemFilter,
  type ProblemPosition,
  type ProblemScope,
  type WorkspacePosition,
} from './problem-query';

/** A workspace's oldest change not in the safe: when it first failed. */
export interface WorkspaceStaleness {
  readonly workspaceId: string;
  readonly oldestFailedAt: Date;
}

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
  /** Failed and parked backups of a scope, first failed latest first, after `after` when continuing. */
  problems(
    scope: ProblemScope,
    options: { filter: ProblemFilter; after?: ProblemPosition; limit: number },
  ): Promise<{ items: Problem[]; next: ProblemPosition | null }>;
  /**
   * Workspaces with a change not in the safe (a failed or parked newest version), the `limit` whose
   * oldest such change is oldest, and how many workspaces there are in all.
   */
  oldestUnbacked(limit: number): Promise<{ items: WorkspaceStaleness[]; workspaces: number }>;
  /** Problems matching `filter` by error class, in one workspace or across all of them. */
  countProblems(scope: ProblemScope, filter: ProblemFilter): Promise<ClassCount[]>;
  /** Operators: workspaces with problems matching `filter`, most failed first. */
  problemsByWorkspace(options: {
    filter: ProblemFilter;
    after?: WorkspacePosition;
    limit: number;
  }): Promise<{ items: WorkspaceProblems[]; next: WorkspacePosition | null }>;
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
