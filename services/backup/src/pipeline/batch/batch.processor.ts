import { type Logger } from 'pino';
import { type BatchControl, type RecordBatch } from '@vault-backup/kafka';
import { describeError, isRetriable } from '@vault-backup/errors';
import { type BackoffPolicy, retryTransient } from '../domain/backoff';
import { type BackupFailure } from '../domain/backup-failure';
import { type PipelineMetrics } from '../metrics/pipeline.metrics';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type StuckSignal } from '../consumer.supervisor';
import { type AccountJobRunner } from './account-job.runner';
import { type BatchPlanner, type PlannedRecord } from './batch-planner';
import { type RecordResult } from './outcome-recorder';
import { type CommitItem, type OutcomeCommitter } from './outcome-committer';
import { LateOutcomeSink } from './late-outcome.sink';

export interface BatchProcessorSettings {
  readonly heartbeatIntervalMs: number;
  /** Backoff while PostgreSQL or the broker cannot take outcomes; the batch waits (and heartbeats), it is never skipped. */
  readonly persistBackoff: BackoffPolicy;
}

/** Hooks for the transport to pause fetching while outcomes cannot be stored. */
export interface BackpressureSignal {
  persistenceFailing(): void;
  persistenceRecovered(): void;
}

/**
 * Takes one partition's batch to durable outcomes, then commits it. Every record ends applied,
 * superseded, skipped, deferred (parked in PostgreSQL) or failed (dead-lettered and recorded);
 * the offset is committed only after all of that is stored. Accounts are processed in parallel
 * (bounded per tenant), versions of one account never are.
 */
export class BatchProcessor {
  private readonly lateOutcomes: LateOutcomeSink;

  constructor(
    private readonly planner: BatchPlanner,
    private readonly runner: AccountJobRunner,
    private readonly committer: OutcomeCommitter,
    private readonly metrics: PipelineMetrics,
    private readonly backpressure: BackpressureSignal,
    private readonly stuck: StuckSignal,
    private readonly settings: BatchProcessorSettings,
    private readonly logger: Logger,
  ) {
    this.lateOutcomes = new LateOutcomeSink(committer, settings.persistBackoff, logger);
  }

  /** Stores the outcomes of late writes still queued; called at shutdown once the consumer has stopped. */
  async drainLateOutcomes(): Promise<void> {
    await this.lateOutcomes.drain();
  }

  async process(batch: RecordBatch, control: BatchControl): Promise<void> {
    const last = batch.records.at(-1);
    if (!last) return;
    const timer = this.metrics.batchDuration.startTimer({ topic: batch.topic });
    const keepAlive = this.keepAlive(control);
    try {
      if (!(await this.handle(batch, control, last.offset))) return;
      this.metrics.batchSize.observe(batch.records.length);
      timer();
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Returns false when the batch was abandoned (stopping or revoked) and must not be committed. */
  private async handle(batch: RecordBatch, control: BatchControl, lastOffset: string): Promise<boolean> {
    const planned = await this.untilDone(control, 'planning the batch', () =>
      this.planner.plan(batch.records),
    );
    if (!planned) return false;
    const resolved = await Promise.all(planned.map((entry) => this.resolve(entry)));
    if (!control.isActive()) return false;
    const items: CommitItem[] = resolved.map(({ result, releaseLease }) => ({ result, releaseLease }));
    const stored = await this.untilDone(
      control,
      'storing batch outcomes',
      () => this.committer.commit(items).then(() => true),
      () => this.committer.commitIsolated(items).then(() => true),
    );
    if (!stored) return false;
    await control.commit(lastOffset);
    this.stuck.clearStuck();
    for (const entry of resolved) if (entry.late) this.finishLate(entry.result, entry.late);
    return true;
  }

  private async resolve(entry: PlannedRecord): Promise<ResolvedRecord> {
    const base = { record: entry.record, attempts: 1, ...(entry.event ? { event: entry.event } : {}) };
    if ('outcome' in entry)
      return { result: { ...base, outcome: entry.outcome }, releaseLease: entry.leaseClaimed === true };
    // The deadline runs only while the write waits on CyberArk: waiting for a slot is throughput, not
    // slowness (a tenant whose slots hang is marked stalled, which releases its queue at once).
    const patience = new Patience(this.runner.parkDeadlineFor(entry.job.workspace.tenantKey));
    const running = this.runner.run(entry.job, (waiting) => patience.timing(waiting));
    const outcome = await Promise.race([running, patience.exhausted.then(() => undefined)]);
    patience.cancel();
    if (outcome) return { result: { ...base, outcome }, releaseLease: true };
    // Still queued or writing: park the record now; the write finishes under its lease and is recorded then.
    return {
      result: { ...base, outcome: { kind: 'deferred', failure: SLOW_WRITE_FAILURE } },
      releaseLease: false,
      late: running,
    };
  }

  /** A write that outlived its batch: its result goes down the same outcome path (batched, retried). */
  private finishLate(result: RecordResult, late: Promise<BackupOutcome>): void {
    void late.then(
      (outcome) => this.lateOutcomes.add({ result: { ...result, outcome }, releaseLease: true }),
      (error: unknown) => this.stuck.reportStuck(asError(error, 'a late write failed unexpectedly')),
    );
  }

  /**
   * Runs `work` until it succeeds. Errors a retry can cure (PostgreSQL or Kafka unavailable) are
   * retried with backoff while fetching is paused. A permanent error goes to `isolate` once (so it
   * becomes the outcome of the record it belongs to); one that belongs to no record is a bug: the
   * service says so (unready at once, exits after a bound) and keeps trying meanwhile, never silently.
   * Gives up only when the consumer stops or loses the partition; the batch is then redelivered.
   */
  private async untilDone<T>(
    control: BatchControl,
    what: string,
    work: () => Promise<T>,
    isolate?: () => Promise<T>,
  ): Promise<T | undefined> {
    let attempt = work;
    let paused = false;
    try {
      for (;;) {
        try {
          return await retryTransient(attempt, isRetriable, {
            policy: this.settings.persistBackoff,
            shouldContinue: () => control.isActive(),
            onRetry: (error, count) => {
              this.metrics.persistFailures.inc();
              if (!paused) this.backpressure.persistenceFailing();
              paused = true;
              this.logger.warn(
                { attempt: count, reason: describeError(error) },
                `${what}: not possible yet; retrying`,
              );
            },
          });
        } catch (error) {
          if (isolate && attempt !== isolate) {
            attempt = isolate;
            continue;
          }
          this.stuck.reportStuck(asError(error, what));
          this.logger.error(
            { reason: describeError(error) },
            `${what} failed with an error no record explains`,
          );
          if (!paused) this.backpressure.persistenceFailing();
          paused = true;
          await sleep(this.settings.persistBackoff.maxMs);
          if (!control.isActive()) return undefined;
        }
      }
    } finally {
      if (paused) this.backpressure.persistenceRecovered();
    }
  }

  private keepAlive(control: BatchControl): NodeJS.Timeout {
    return setInterval(() => {
      control.heartbeat().catch((error: unknown) => {
        this.logger.debug({ reason: describeError(error) }, 'heartbeat during batch failed');
      });
    }, this.settings.heartbeatIntervalMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function asError(error: unknown, context: string): Error {
  return error instanceof Error ? error : new Error(`${context}: ${describeError(error)}`);
}

/**
 * A deadline that runs only while the write waits on CyberArk (not while it waits for a concurrency
 * slot), restarting each time, and can be cancelled, so no timer outlives a fast write.
 */
class Patience {
  readonly exhausted: Promise<void>;
  private fire!: () => void;
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;

  constructor(private readonly ms: number) {
    this.exhausted = new Promise<void>((resolve) => (this.fire = resolve));
  }

  timing(waitingOnTenant: boolean): void {
    if (this.cancelled) return;
    if (!waitingOnTenant) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(this.fire, this.ms);
    this.timer.unref();
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }
}

interface ResolvedRecord {
  readonly result: RecordResult;
  /** The batch holds this account's write lease and gives it back when it commits. */
  readonly releaseLease: boolean;
  /** The write still running in the background for a record parked as slow. */
  readonly late?: Promise<BackupOutcome>;
}

export const SLOW_WRITE_FAILURE: BackupFailure = {
  errorClass: 'unavailable',
  code: 'SLOW_WRITE',
  message: 'CyberArk did not answer within the batch deadline; parked while the write completes',
  retriable: true,
};
