import { type Logger } from 'pino';
import { decodeAccountEvent } from '@vault-backup/event-contract';
import { describeError } from '@vault-backup/errors';
import { type TopicPartitions } from '@vault-backup/kafka';
import { type BackupFailure } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type PipelineMetrics } from '../metrics/pipeline.metrics';
import { type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type RecordSealerPort } from '../ports/record-sealer.port';
import { type WorkspaceTargetsPort } from '../ports/workspace-targets.port';
import { type BackupStateStore } from '../store/backup-state.store';
import { type PendingBackup } from '../store/backup-state.types';
import { type AccountJobRunner } from '../batch/account-job.runner';
import { type OutcomeRecorder, type RecordResult } from '../batch/outcome-recorder';
import { type PartitionLocks } from '../batch/partition-locks';
import { type WriteLeaseSettings } from '../batch/batch-planner';
import { accountKey } from '../domain/account-snapshot';

export interface RetryWorkerSettings {
  readonly pollIntervalMs: number;
  readonly lease: WriteLeaseSettings;
  readonly maxPerRound: number;
  /** How long to leave a tenant alone while its breaker is open before looking again. */
  readonly openCircuitRecheckMs: number;
}

/**
 * Retries parked backups (transient failures) in the background, per partition this instance owns,
 * until they apply, become obsolete, or exhaust the workspace's retry budget — then they are
 * dead-lettered. Offsets were committed when the records were parked: the backlog lives in
 * PostgreSQL, not in the consumer, so one tenant's outage never holds back another's partition.
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
    private readonly recorder: OutcomeRecorder,
    private readonly locks: PartitionLocks,
    private readonly assignments: () => readonly TopicPartitions[],
    private readonly metrics: PipelineMetrics,
    private readonly settings: RetryWorkerSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const byPartition = groupBy(due, (entry) => `${entry.source.topic}\u0000${entry.source.partition}`);
    await Promise.all(
      [...byPartition.values()].map((entries) => {
        const { topic, partition } = entries[0].source;
        return this.locks.withPartition(topic, partition, () =>
          Promise.all(entries.map((entry) => this.retry(entry))),
        );
      }),
    );
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

  private async retry(entry: PendingBackup): Promise<void> {
    // A write of this account that outlived its batch is still running here; it will conclude the entry.
    if (this.runner.isBusy(entry)) return;
    const record = await this.sealer.open(entry.recordCiphertext, 'pending-backup');
    const decoded = decodeAccountEvent(record);
    if (!decoded.ok) throw new Error('a parked record no longer decodes; the contract changed under it');
    const { event } = decoded;
    const workspace = (await this.targets.activeTargets([event.data.workspaceId])).get(
      event.data.workspaceId,
    );
    const base = {
      record,
      event,
      attempts: entry.attempts + 1,
      firstFailedAt: entry.firstFailedAt,
      concludesParkedEntry: true,
    };
    let outcome: BackupOutcome;
    if (!workspace) {
      outcome = { kind: 'skipped', reason: 'no-active-configuration' };
    } else if (this.now().getTime() - entry.firstFailedAt.getTime() > workspace.retryBudgetMs) {
      outcome = { kind: 'failed', failure: budgetExhausted(entry) };
    } else if (this.gateway.isCircuitOpen(workspace)) {
      await this.postpone(entry, this.now().getTime() + this.settings.openCircuitRecheckMs);
      return;
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
      outcome = await this.runner.run({
        event,
        workspace,
        leaseDeadline: claimedAt + this.settings.lease.ttlMs,
      });
      const recorded = await this.recorder.record([{ ...base, outcome }]);
      await this.store.saveOutcomes({
        ...recorded,
        releasedLeases: { owner: this.settings.lease.owner, claims: [claim] },
      });
      this.runner.forgetPersisted(recorded.applied);
      this.account(record.topic, outcome);
      return;
    }
    const result: RecordResult = { ...base, outcome };
    await this.store.saveOutcomes(await this.recorder.record([result]));
    this.account(record.topic, outcome);
  }

  /** Looks again later without spending an attempt: the tenant or the account is busy, not failing. */
  private async postpone(entry: PendingBackup, untilMs: number): Promise<void> {
    await this.store.postponePending(entry, entry.version, new Date(untilMs));
  }

  private account(topic: string, outcome: BackupOutcome): void {
    this.metrics.retryAttempts.inc({ outcome: outcome.kind });
    this.countFinal(topic, outcome);
  }

  private countFinal(topic: string, outcome: BackupOutcome): void {
    if (outcome.kind === 'deferred') return;
    this.metrics.countOutcome(topic, outcome.kind);
    if (outcome.kind === 'applied') {
      this.metrics.appliedAccounts.inc();
      this.metrics.cyberArkWrites.inc(outcome.writes);
    }
    if (outcome.kind === 'failed') this.metrics.deadLetters.inc({ error_class: outcome.failure.errorClass });
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

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
