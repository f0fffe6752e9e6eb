import { type Logger } from 'pino';
import { type BatchControl, type RecordBatch } from '@vault-backup/kafka';
import { describeError } from '@vault-backup/errors';
import { backoffDelay, type BackoffPolicy } from '../domain/backoff';
import { type PipelineMetrics } from '../metrics/pipeline.metrics';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type BackupStateStore } from '../store/backup-state.store';
import { isEmptyOutcomeWrite, type OutcomeWrite } from '../store/backup-state.types';
import { type AccountJobRunner } from './account-job.runner';
import { type BatchPlanner, type PlannedRecord } from './batch-planner';
import { type OutcomeRecorder, type RecordResult } from './outcome-recorder';
import { LateOutcomeSink } from './late-outcome.sink';
import { type PartitionLocks } from './partition-locks';

export interface BatchProcessorSettings {
  readonly heartbeatIntervalMs: number;
  /**
   * How long a batch waits for one account's CyberArk write before parking it (the write goes on in
   * the background under its lease). Keeps one slow tenant from holding back a shared partition.
   */
  readonly slowWriteParkAfterMs: number;
  /** Lower bound of the adaptive park deadline (a tenant that usually answers fast is given at least this). */
  readonly slowWriteParkMinMs: number;
  /** Owner id of this process's write leases. */
  readonly leaseOwner: string;
  /** Backoff while PostgreSQL cannot store outcomes; the batch waits (and heartbeats), it is never skipped. */
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
    private readonly recorder: OutcomeRecorder,
    private readonly store: BackupStateStore,
    private readonly locks: PartitionLocks,
    private readonly metrics: PipelineMetrics,
    private readonly backpressure: BackpressureSignal,
    private readonly settings: BatchProcessorSettings,
    private readonly logger: Logger,
  ) {
    this.lateOutcomes = new LateOutcomeSink(recorder, store, runner, settings.leaseOwner, logger);
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
      await control.heartbeat();
      const committed = await this.locks.withPartition(batch.topic, batch.partition, () =>
        this.handle(batch, control),
      );
      if (!committed) return;
      this.metrics.batchSize.observe(batch.records.length);
      this.metrics.lastProcessed.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Date.now() / 1000,
      );
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      this.metrics.consumerLag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, lag),
      );
      timer();
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Returns false when the batch was abandoned (stopping or revoked) and must not be committed. */
  private async handle(batch: RecordBatch, control: BatchControl): Promise<boolean> {
    const planned = await this.retryWhileActive(control, () => this.planner.plan(batch.records));
    if (!planned) return false;
    const resolved = await Promise.all(planned.map((entry) => this.resolve(entry)));
    if (!control.isActive()) return false;
    const results = resolved.map((entry) => entry.result);
    const recorded = await this.retryWhileActive(control, () => this.recorder.record(results));
    if (!recorded) return false;
    const write: OutcomeWrite = {
      ...recorded,
      releasedLeases: { owner: this.settings.leaseOwner, claims: leasesToRelease(resolved) },
    };
    if (!(await this.persist(write, control))) return false;
    this.runner.forgetPersisted(write.applied);
    await control.commit((batch.records.at(-1) as { offset: string }).offset);
    this.report(batch.topic, results);
    for (const entry of resolved) if (entry.late) this.finishLate(entry.result, entry.late);
    return true;
  }

  private async resolve(entry: PlannedRecord): Promise<ResolvedRecord> {
    const base = { record: entry.record, attempts: 1, ...(entry.event ? { event: entry.event } : {}) };
    if ('outcome' in entry)
      return { result: { ...base, outcome: entry.outcome }, releaseLease: entry.leaseClaimed === true };
    const tenantKey = entry.job.workspace.tenantKey;
    const deadlineMs = this.runner.parkDeadlineFor(tenantKey, {
      minMs: this.settings.slowWriteParkMinMs,
      maxMs: this.settings.slowWriteParkAfterMs,
    });
    // The deadline runs from the moment the write starts: waiting for a slot is throughput, not slowness.
    const patience = new Patience(deadlineMs);
    const running = this.runner.run(entry.job, () => patience.start());
    const outcome = await Promise.race([running, patience.exhausted.then(() => undefined)]);
    patience.cancel();
    if (outcome) return { result: { ...base, outcome }, releaseLease: true };
    // Still writing: park the record now; the write finishes under its lease and is recorded then.
    this.runner.markStalled(tenantKey, running);
    return {
      result: { ...base, outcome: { kind: 'deferred', failure: SLOW_WRITE_FAILURE } },
      releaseLease: false,
      late: running,
    };
  }

  /** A write that outlived its batch: its result is stored (batched, retried) and its lease freed. */
  private finishLate(result: RecordResult, late: Promise<BackupOutcome>): void {
    void late.then(
      (outcome) => this.lateOutcomes.add(result, outcome),
      (error: unknown) =>
        this.logger.warn({ reason: describeError(error) }, 'a late write failed unexpectedly'),
    );
  }

  private async persist(write: OutcomeWrite, control: BatchControl): Promise<boolean> {
    if (isEmptyOutcomeWrite(write)) return true;
    const stored = await this.retryWhileActive(control, async () => {
      await this.store.saveOutcomes(write);
      return true;
    });
    return stored === true;
  }

  /**
   * Runs `work` until it succeeds, waiting with backoff between failures (PostgreSQL or the
   * dead-letter topic unavailable) and pausing fetches meanwhile. Gives up only when the consumer
   * stops or loses the partition; the batch is then redelivered, and every step is idempotent.
   */
  private async retryWhileActive<T>(control: BatchControl, work: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await work();
        if (attempt > 1) this.backpressure.persistenceRecovered();
        return result;
      } catch (error) {
        this.metrics.persistFailures.inc();
        if (attempt === 1) this.backpressure.persistenceFailing();
        this.logger.warn(
          { attempt, reason: describeError(error) },
          'cannot store batch outcomes yet; retrying',
        );
        if (!control.isActive()) return undefined;
        await sleep(backoffDelay(this.settings.persistBackoff, attempt));
        if (!control.isActive()) return undefined;
      }
    }
  }

  private keepAlive(control: BatchControl): NodeJS.Timeout {
    return setInterval(() => {
      control.heartbeat().catch((error: unknown) => {
        this.logger.debug({ reason: describeError(error) }, 'heartbeat during batch failed');
      });
    }, this.settings.heartbeatIntervalMs);
  }

  /** Metrics for every outcome; a log line for the ones an operator may need to act on (no values, ids only). */
  private report(topic: string, results: readonly RecordResult[]): void {
    for (const { outcome, record, event } of results) {
      this.metrics.countOutcome(topic, outcome.kind);
      if (outcome.kind === 'failed' || outcome.kind === 'deferred') {
        const where = { topic, partition: record.partition, offset: record.offset };
        const who = event
          ? {
              workspaceId: event.data.workspaceId,
              accountId: event.data.accountId,
              version: event.data.version,
              eventId: event.id,
              // The emitter's W3C trace context, so this outcome can be found from the producing request.
              ...(event.traceparent ? { traceparent: event.traceparent } : {}),
            }
          : {};
        const level = outcome.kind === 'failed' ? 'warn' : 'info';
        this.logger[level](
          { ...where, ...who, failure: outcome.failure },
          outcome.kind === 'failed' ? 'record dead-lettered' : 'backup parked for retry',
        );
      }
      if (outcome.kind === 'applied') {
        this.metrics.appliedAccounts.inc();
        this.metrics.cyberArkWrites.inc(outcome.writes);
      }
      if (outcome.kind === 'failed')
        this.metrics.deadLetters.inc({ error_class: outcome.failure.errorClass });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A deadline that starts on demand and can be cancelled, so no timer outlives a fast write. */
class Patience {
  readonly exhausted: Promise<void>;
  private fire!: () => void;
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;

  constructor(private readonly ms: number) {
    this.exhausted = new Promise<void>((resolve) => (this.fire = resolve));
  }

  start(): void {
    if (this.cancelled || this.timer) return;
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

export const SLOW_WRITE_FAILURE = {
  errorClass: 'unavailable',
  code: 'SLOW_WRITE',
  message: 'CyberArk did not answer within the batch deadline; parked while the write completes',
  retriable: true,
} as const;

function leasesToRelease(
  resolved: readonly ResolvedRecord[],
): { workspaceId: string; accountId: string; version: number }[] {
  return resolved.flatMap(({ result, releaseLease }) =>
    releaseLease && result.event
      ? [
          {
            workspaceId: result.event.data.workspaceId,
            accountId: result.event.data.accountId,
            version: result.event.data.version,
          },
        ]
      : [],
  );
}
