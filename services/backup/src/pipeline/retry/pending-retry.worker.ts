import { type Logger } from 'pino';
import { decodeAccountEvent } from '@vault-backup/event-contract';
import { describeError, isRetriable } from '@vault-backup/errors';
import { type TopicPartitions } from '@vault-backup/kafka';
import { type BackupFailure, toBackupFailure } from '../domain/backup-failure';
import { type BackoffPolicy, backoffDelay } from '../domain/backoff';
import { type PipelineMetrics } from '../metrics/pipeline.metrics';
import { type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type RecordSealerPort } from '../ports/record-sealer.port';
import { isUnusable, type WorkspaceTargetsPort } from '../ports/workspace-targets.port';
import { type BackupStateStore } from '../store/backup-state.store';
import { type PendingBackup } from '../store/backup-state.types';
import { type AccountJobRunner } from '../batch/account-job.runner';
import { type OutcomeCommitter } from '../batch/outcome-committer';
import { type RecordResult } from '../batch/outcome-recorder';
import { type WriteLeaseSettings } from '../batch/batch-planner';
import { accountKey } from '../domain/account-snapshot';

export interface RetryWorkerSettings {
  readonly pollIntervalMs: number;
  readonly lease: WriteLeaseSettings;
  readonly maxPerRound: number;
  /** How long to leave a tenant alone while its breaker is open before looking again. */
  readonly openCircuitRecheckMs: number;
  /** How long to leave an entry alone that could not be handled for a reason no retry cures soon. */
  readonly brokenEntryRecheckMs: number;
  /** The backoff of parked records, also applied when a record cannot even be opened. */
  readonly backoff: BackoffPolicy;
}

/**
 * Retries parked backups (transient failures) in the background, per partition this instance owns,
 * until they apply, become obsolete, or exhaust the workspace's retry budget — then they are
 * dead-lettered. Offsets were committed when the records were parked: the backlog lives in
 * PostgreSQL, not in the consumer, so one tenant's outage never holds back another's partition. The
 * worker never waits on a partition's batches either: the write fence and the per-account lanes keep
 * its writes in version order with theirs.
 */
export class PendingRetryWorker {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: BackupStateStore,
    private readonly sealer: RecordSealerPort,
    private readonly targets: WorkspaceTargetsPort,
    private readonly gateway: CyberArkGatewayPort,
    private readonly runner: AccountJobRunner,
    private readonly committer: OutcomeCommitter,
    private readonly assignments: () => readonly TopicPartitions[],
    private readonly metrics: PipelineMetrics,
    private readonly settings: RetryWorkerSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    runner.onTenantRecovered((workspaceIds) => void this.expedite(workspaceIds));
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One pass over what is due; exposed so tests can drive the worker deterministically. */
  async runOnce(): Promise<number> {
    const partitions = this.assignments().flatMap(({ topic, partitions: ids }) =>
      ids.map((partition) => ({ topic, partition })),
    );
    const due = await this.store.duePending(partitions, this.now(), this.settings.maxPerRound);
    await Promise.all(due.map((entry) => this.retrySafely(entry)));
    await this.refreshGauges();
    return due.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger.warn({ reason: describeError(error) }, 'retry round failed; trying again next round');
        })
        .finally(() => this.schedule());
    }, this.settings.pollIntervalMs);
    this.timer.unref();
  }

  /** One entry's trouble is that entry's: logged, and the entry looked at again later; the round goes on. */
  private async retrySafely(entry: PendingBackup): Promise<void> {
    try {
      await this.retry(entry);
    } catch (error) {
      const where = { workspaceId: entry.workspaceId, accountId: entry.accountId, version: entry.version };
      if (isRetriable(error)) {
        this.logger.warn(
          { ...where, reason: describeError(error) },
          'retrying a parked backup failed; backing off',
        );
        await this.backOffOrConclude(entry, toBackupFailure(error)).catch(() => undefined);
        return;
      }
      this.logger.error({ ...where, reason: describeError(error) }, 'a parked backup cannot be handled');
      await this.postpone(entry, this.now().getTime() + this.settings.brokenEntryRecheckMs).catch(
        () => undefined,
      );
    }
  }

  private async retry(entry: PendingBackup): Promise<void> {
    // A write of this account that outlived its batch is still running here; it will conclude the entry.
    if (this.runner.isBusy(entry)) return;
    // Sealed under the entry's workspace when it was parked (OutcomeRecorder.park).
    const record = await this.sealer.open(entry.recordCiphertext, 'pending-backup', entry.workspaceId);
    const base = {
      record,
      attempts: entry.attempts + 1,
      firstFailedAt: entry.firstFailedAt,
      concludesParked: { workspaceId: entry.workspaceId, accountId: entry.accountId, version: entry.version },
    };
    const decoded = decodeAccountEvent(record);
    if (!decoded.ok) {
      const failure: BackupFailure = {
        errorClass: 'invalid-event',
        code: decoded.error.code,
        message: `a parked record no longer decodes: ${decoded.error.message}`,
        retriable: false,
      };
      await this.conclude({ ...base, outcome: { kind: 'failed', failure } }, false);
      return;
    }
    const { event } = decoded;
    const target = (await this.targets.activeTargets([event.data.workspaceId])).get(event.data.workspaceId);
    const result = { ...base, event };
    if (!target) {
      await this.conclude(
        { ...result, outcome: { kind: 'skipped', reason: 'no-active-configuration' } },
        false,
      );
    } else if (this.budgetSpent(entry, target)) {
      await this.conclude({ ...result, outcome: { kind: 'failed', failure: budgetExhausted(entry) } }, false);
    } else if (isUnusable(target)) {
      await this.conclude({ ...result, outcome: { kind: 'deferred', failure: target.unusable } }, false);
    } else if (this.gateway.circuitState(target) === 'open') {
      await this.postpone(entry, this.now().getTime() + this.settings.openCircuitRecheckMs);
    } else {
      const claim = { workspaceId: entry.workspaceId, accountId: entry.accountId, version: entry.version };
      const claimedAt = this.now().getTime();
      const claimed = await this.store.claimLeases(
        [claim],
        this.settings.lease.owner,
        this.settings.lease.ttlMs,
      );
      if (!claimed.has(accountKey(entry.workspaceId, entry.accountId))) {
        await this.postpone(entry, claimedAt + this.settings.lease.ttlMs);
        return;
      }
      // The worker's writes are the trial calls of a recovering tenant: batches never wait on those.
      const outcome = await this.runner.run({
        event,
        workspace: target,
        leaseDeadline: claimedAt + this.settings.lease.ttlMs,
        mayProbe: true,
      });
      await this.conclude({ ...result, outcome }, true);
    }
  }

  private async conclude(result: RecordResult, releaseLease: boolean): Promise<void> {
    await this.committer.commit([{ result, releaseLease }]);
    this.metrics.retryAttempts.inc({ outcome: result.outcome.kind });
  }

  private async expedite(workspaceIds: readonly string[]): Promise<void> {
    try {
      const count = await this.store.expeditePending(workspaceIds);
      if (count > 0)
        this.logger.info({ workspaceIds, count }, 'tenant answers again; parked backups are due now');
    } catch (error) {
      // Nothing lost: the entries stay due at the end of their backoff.
      this.logger.warn({ reason: describeError(error) }, 'could not expedite parked backups');
    }
  }

  /** Whether the entry has been failing for longer than its workspace's retry budget. */
  private budgetSpent(entry: PendingBackup, target: { readonly retryBudgetMs: number }): boolean {
    return this.now().getTime() - entry.firstFailedAt.getTime() > target.retryBudgetMs;
  }

  /** Within the workspace's budget, back off; past it, the entry ends as a failure kept as sealed. */
  private async backOffOrConclude(entry: PendingBackup, failure: BackupFailure): Promise<void> {
    const target = (await this.targets.activeTargets([entry.workspaceId])).get(entry.workspaceId);
    const spent = target !== undefined && this.budgetSpent(entry, target);
    if (!spent) return this.backOff(entry, failure);
    await this.committer.concludeUnreadable(
      entry,
      budgetExhausted({
        ...entry,
        lastErrorClass: failure.errorClass,
        lastErrorCode: failure.code,
        lastErrorMessage: failure.message,
      }),
    );
  }

  /**
   * An attempt that failed before it could start (the sealed record cannot be opened while its
   * workspace's key is out of reach): it counts and backs off like any failed attempt, so a revoked
   * key is not asked again every round, and the reason shows as the entry's last error.
   */
  private async backOff(entry: PendingBackup, failure: BackupFailure): Promise<void> {
    const delay = backoffDelay(this.settings.backoff, entry.attempts + 1, failure.retryAfterMs);
    await this.store.postponePending(entry, entry.version, new Date(this.now().getTime() + delay), failure);
  }

  /** Looks again later without spending an attempt: the tenant or the account is busy, not failing. */
  private async postpone(entry: PendingBackup, untilMs: number): Promise<void> {
    await this.store.postponePending(entry, entry.version, new Date(untilMs));
  }

  private async refreshGauges(): Promise<void> {
    const summary = await this.store.pendingSummary();
    this.metrics.pendingBackups.set(summary.count);
    this.metrics.pendingBudgetUsed.set(summary.retryBudgetUsedRatio);
    const oldest = summary.oldestFirstFailedAt;
    this.metrics.pendingOldestAge.set(oldest ? (this.now().getTime() - oldest.getTime()) / 1000 : 0);
  }
}

function budgetExhausted(entry: PendingBackup): BackupFailure {
  return {
    errorClass: 'retry-budget-exhausted',
    code: entry.lastErrorCode || 'RETRY_BUDGET_EXHAUSTED',
    message: `gave up after ${entry.attempts} attempts since ${entry.firstFailedAt.toISOString()}; last error (${entry.lastErrorClass}): ${entry.lastErrorMessage}`,
    retriable: false,
  };
}
