import { type Logger } from 'pino';
import { describeError, isRetriable } from '@vault-backup/errors';
import { type BackoffPolicy, retryTransient } from '../domain/backoff';
import { type CommitItem, type OutcomeCommitter } from './outcome-committer';

const FLUSH_DELAY_MS = 50;
const MAX_PER_FLUSH = 1_000;
const MAX_ATTEMPTS = 8;

/**
 * Commits the results of writes that outlived their batch. They are gathered and committed together
 * (one transaction per flush, not one per write) and retried with backoff, because under load a
 * burst of late writes is exactly when the database is busiest. If committing still fails, nothing
 * is lost: the parked entry remains, and the runner reports the write it remembers as applied when
 * the retry worker takes it up.
 */
export class LateOutcomeSink {
  private queue: CommitItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly committer: OutcomeCommitter,
    private readonly backoff: BackoffPolicy,
    private readonly logger: Logger,
  ) {}

  /** The late write's result concludes the entry its batch parked as SLOW_WRITE, whatever it is. */
  add(item: CommitItem): void {
    const { event } = item.result;
    const parked = event && {
      workspaceId: event.data.workspaceId,
      accountId: event.data.accountId,
      version: event.data.version,
    };
    this.queue.push(parked ? { ...item, result: { ...item.result, concludesParked: parked } } : item);
    this.schedule();
  }

  /** Commits what is queued now (used at shutdown). */
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
    try {
      await retryTransient(() => this.commit(items), isRetriable, {
        policy: this.backoff,
        maxAttempts: MAX_ATTEMPTS,
        onRetry: (error, attempt) =>
          this.logger.warn(
            { attempt, count: items.length, reason: describeError(error) },
            'could not record late writes yet',
          ),
      });
    } catch (error) {
      this.logger.error(
        { count: items.length, reason: describeError(error) },
        'giving up recording late writes; their parked entries will converge them',
      );
    }
  }

  private async commit(items: readonly CommitItem[]): Promise<void> {
    try {
      await this.committer.commit(items);
    } catch (error) {
      if (isRetriable(error)) throw error;
      await this.committer.commitIsolated(items);
    }
  }
}
