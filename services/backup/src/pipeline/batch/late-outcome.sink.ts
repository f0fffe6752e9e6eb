import { type Logger } from 'pino';
import { type AccountEvent } from '@vault-backup/event-contract';
import { describeError } from '@vault-backup/errors';
import { backoffDelay } from '../domain/backoff';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type BackupStateStore } from '../store/backup-state.store';
import { emptyOutcomeWrite, type LeaseClaim } from '../store/backup-state.types';
import { type AccountJobRunner } from './account-job.runner';
import { type OutcomeRecorder, type RecordResult } from './outcome-recorder';

const FLUSH_DELAY_MS = 50;
const MAX_PER_FLUSH = 1_000;
const MAX_ATTEMPTS = 8;

/**
 * Stores the results of writes that outlived their batch. They are gathered and saved together (one
 * transaction per flush, not one per write) and retried with backoff, because under load a burst of
 * late writes is exactly when the database is busiest. If saving still fails, nothing is lost: the
 * parked entry remains, and the runner reports the write it remembers as applied when retried.
 */
export class LateOutcomeSink {
  private queue: { result: RecordResult; outcome: BackupOutcome }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly recorder: OutcomeRecorder,
    private readonly store: BackupStateStore,
    private readonly runner: AccountJobRunner,
    private readonly leaseOwner: string,
    private readonly logger: Logger,
  ) {}

  add(result: RecordResult, outcome: BackupOutcome): void {
    this.queue.push({ result, outcome });
    this.schedule();
  }

  /** Saves what is queued now (used at shutdown). */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    while (this.queue.length > 0) await this.flush();
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const items = this.queue.splice(0, MAX_PER_FLUSH);
    const applied = items.filter((item) => item.outcome.kind === 'applied');
    const recorded =
      applied.length > 0
        ? await this.recorder.record(applied.map((item) => ({ ...item.result, outcome: item.outcome })))
        : emptyOutcomeWrite();
    const write = {
      ...recorded,
      releasedLeases: { owner: this.leaseOwner, claims: items.map((item) => claimOf(item.result)) },
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      try {
        await this.store.saveOutcomes(write);
        this.runner.forgetPersisted(recorded.applied);
        this.logger.debug({ count: items.length }, 'late writes recorded');
        return;
      } catch (error) {
        this.logger.warn(
          { attempt, count: items.length, reason: describeError(error) },
          'could not record late writes yet',
        );
        await new Promise((resolve) =>
          setTimeout(resolve, backoffDelay({ baseMs: 100, maxMs: 5_000 }, attempt)),
        );
      }
    }
    this.logger.error(
      { count: items.length },
      'giving up recording late writes; their parked entries will converge them',
    );
  }
}

function claimOf(result: RecordResult): LeaseClaim {
  const { workspaceId, accountId, version } = (result.event as AccountEvent).data;
  return { workspaceId, accountId, version };
}
