import { type BackupFailure } from '../domain/backup-failure';
import {
  type AccountRef,
  type FenceAnswer,
  type LeaseClaim,
  type OutcomeWrite,
  type PendingBackup,
} from './backup-state.types';

export const BACKUP_STATE_STORE = Symbol('BACKUP_STATE_STORE');

/** Durable pipeline state (port); the PostgreSQL adapter does each call in one round trip. */
export interface BackupStateStore {
  /** Versions parked for the given accounts, keyed by `workspaceId:accountId`. */
  loadPendingVersions(refs: readonly AccountRef[]): Promise<Map<string, number>>;
  /**
   * Claims the right to write each account for `ttlMs` (leases held by another owner and still
   * valid are not taken). Returns the keys (`workspaceId:accountId`) claimed.
   */
  claimLeases(claims: readonly LeaseClaim[], owner: string, ttlMs: number): Promise<Set<string>>;
  /**
   * The write fence, taken at the moment a write starts: lets a write of `version` through only while
   * no newer version of the account was started and none at least as new is stored, and records it as
   * started. Answers per key (`workspaceId:accountId`): granted, with what the writer must diff
   * against; or settling, while an abandoned write may still land. An account missing from the answer
   * must not be written (a newer version owns it).
   */
  beginWrites(starts: readonly LeaseClaim[], owner: string): Promise<Map<string, FenceAnswer>>;
  /**
   * Shuts the fence of an account for `settleMs` after this owner's write of `version` was abandoned
   * without an answer: CyberArk may still apply it, and nothing newer may land before it.
   */
  settleAbandonedWrite(start: LeaseClaim, owner: string, settleMs: number): Promise<void>;
  /** Writes a batch's outcomes atomically; a lower version never overwrites a higher one. */
  saveOutcomes(write: OutcomeWrite): Promise<void>;
  /** Parked records due for another attempt, for the partitions this instance owns. */
  duePending(
    partitions: readonly { topic: string; partition: number }[],
    now: Date,
    limit: number,
  ): Promise<PendingBackup[]>;
  /**
   * Makes the workspaces' backups parked by a tenant outage due now (their tenant answers again), so
   * a recovered tenant drains at once instead of at the end of each entry's backoff.
   */
  expeditePending(workspaceIds: readonly string[]): Promise<number>;
  /**
   * Looks at a parked record again later. Without `failure`, no attempt is spent (its tenant or account
   * is busy); with it, the attempt failed before the record could even be opened (its workspace's key
   * cannot be reached): the attempt counts and the failure becomes the entry's last error.
   */
  postponePending(
    ref: AccountRef,
    version: number,
    nextAttemptAt: Date,
    failure?: BackupFailure,
  ): Promise<void>;
  pendingSummary(): Promise<PendingSummary>;
}

export interface PendingSummary {
  readonly count: number;
  readonly oldestFirstFailedAt: Date | null;
  /** The largest share of its workspace's retry budget any parked backup has used (1 = exhausted). */
  readonly retryBudgetUsedRatio: number;
}
