import { type Logger } from 'pino';
import { type AccountEvent } from '@vault-backup/event-contract';
import { type BackupFailure, toBackupFailure } from '../domain/backup-failure';
import { type PipelineMetrics } from '../metrics/pipeline.metrics';
import { type BackupStateStore } from '../store/backup-state.store';
import {
  emptyOutcomeWrite,
  isEmptyOutcomeWrite,
  type LeaseClaim,
  type PendingBackup,
} from '../store/backup-state.types';
import { type AccountJobRunner } from './account-job.runner';
import { type OutcomeRecorder, type RecordResult } from './outcome-recorder';

/** One record's result, and whether its writer is done with the account's write lease. */
export interface CommitItem {
  readonly result: RecordResult;
  readonly releaseLease: boolean;
}

/**
 * The one outcome path, shared by the batch processor, the late-write sink and the retry worker:
 * record (dead-letter, seal) → store in one transaction, releasing leases → forget what PostgreSQL
 * now guards → count and log. Nothing is counted unless it was stored. Errors come out typed: a
 * retriable one (storage or broker down) for the caller to retry, a permanent one for `commitIsolated`.
 */
export class OutcomeCommitter {
  constructor(
    private readonly recorder: OutcomeRecorder,
    private readonly store: BackupStateStore,
    private readonly runner: AccountJobRunner,
    private readonly metrics: PipelineMetrics,
    private readonly leaseOwner: string,
    private readonly logger: Logger,
  ) {}

  async commit(items: readonly CommitItem[]): Promise<void> {
    const recorded = await this.recorder.record(items.map((item) => item.result));
    const write = {
      ...recorded,
      releasedLeases: { owner: this.leaseOwner, claims: items.flatMap(leaseOf) },
    };
    if (!isEmptyOutcomeWrite(write)) await this.store.saveOutcomes(write);
    this.runner.forgetPersisted(write.applied);
    for (const item of items) this.report(item.result);
  }

  /** A parked backup that ran out of budget before its record could be opened: a failure, as sealed. */
  async concludeUnreadable(entry: PendingBackup, failure: BackupFailure): Promise<void> {
    await this.store.saveOutcomes({
      ...emptyOutcomeWrite(),
      failures: [this.recorder.unreadable(entry, failure)],
      resolvedPending: [
        { workspaceId: entry.workspaceId, accountId: entry.accountId, upToVersion: entry.version },
      ],
    });
    this.metrics.deadLetters.inc({ error_class: failure.errorClass });
    this.logger.warn(
      { workspaceId: entry.workspaceId, accountId: entry.accountId, version: entry.version, failure },
      'parked backup gave up unopened: its workspace key stayed out of reach for the whole retry budget',
    );
  }

  /**
   * After a permanent failure of a whole commit: commits item by item, and an item whose own commit is
   * refused for good becomes a failed outcome with that reason (dead-lettered and recorded), so one
   * bad record never holds back the others. Throws only what belongs to no record.
   */
  async commitIsolated(items: readonly CommitItem[]): Promise<void> {
    for (const item of items) {
      try {
        await this.commit([item]);
      } catch (error) {
        const failure = toBackupFailure(error);
        if (failure.retriable) throw error;
        this.logger.error(
          { ...where(item.result), failure },
          'storing this record’s outcome was refused; recording it as failed',
        );
        await this.commit([{ ...item, result: { ...item.result, outcome: { kind: 'failed', failure } } }]);
      }
    }
  }

  /** Metrics for every outcome; a log line for the ones an operator may need to act on (ids only, never values). */
  private report(result: RecordResult): void {
    const { outcome, record } = result;
    this.metrics.countOutcome(record.topic, outcome.kind);
    if (outcome.kind === 'applied') {
      this.metrics.appliedAccounts.inc();
      this.metrics.cyberArkWrites.inc(outcome.writes);
    }
    if (outcome.kind === 'failed') this.metrics.deadLetters.inc({ error_class: outcome.failure.errorClass });
    if (outcome.kind !== 'failed' && outcome.kind !== 'deferred') return;
    const level = outcome.kind === 'failed' ? 'warn' : 'info';
    this.logger[level](
      { ...where(result), failure: outcome.failure },
      outcome.kind === 'failed' ? 'record dead-lettered' : 'backup parked for retry',
    );
  }
}

function leaseOf({ result, releaseLease }: CommitItem): LeaseClaim[] {
  if (!releaseLease || !result.event) return [];
  const { workspaceId, accountId, version } = result.event.data;
  return [{ workspaceId, accountId, version }];
}

function where({ record, event, attempts }: RecordResult): Record<string, unknown> {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    attempts,
    ...(event ? who(event) : {}),
  };
}

function who(event: AccountEvent): Record<string, unknown> {
  return {
    workspaceId: event.data.workspaceId,
    accountId: event.data.accountId,
    version: event.data.version,
    eventId: event.id,
    // The emitter's W3C trace context, so this outcome can be found from the producing request.
    ...(event.traceparent ? { traceparent: event.traceparent } : {}),
  };
}
