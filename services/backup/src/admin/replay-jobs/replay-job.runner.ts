import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { describeError, isRetriable } from '@vault-backup/errors';
import { ADMIN_CONFIG, ADMIN_METRICS, CONFIGURATION_STORE, REPLAY_JOB_STORE } from '../admin.tokens';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { type AdminMetrics } from '../http/admin.metrics';
import { type AdminConfig } from '../admin.config';
import { type EachOutcome, ReplayProducer, type SealedRecord } from '../failures/replay-producer';
import {
  type ReplayBatch,
  type ClaimedJob,
  type DueItem,
  type HandledItem,
  type ReplayJobStore,
} from './replay-job.store';
import { RateBudget } from './replay-rate.budget';

/** Who cancels a job the service stopped itself. */
const SYSTEM_ACTOR = { sub: 'vault-backup', role: 'system', requestId: 'replay-job-runner' } as const;

/** Jobs advanced per round by one replica, and records per batch (one transaction). */
const JOBS_PER_ROUND = 8;
const MAX_BATCH = 200;

/**
 * Runs replay jobs in the background, in every replica: each round leases the running jobs no live
 * replica holds and advances each by what its rate allows, one transaction per batch (the job row
 * locked, so a cancel waits for the batch and then stops it). A batch that fails for a transient
 * reason (broker or key service unavailable) rolls back and is tried again next round: its records
 * may have been produced already, which a second replay makes harmless. On shutdown the leases are
 * released so another replica continues at once.
 */
@Injectable()
export class ReplayJobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Leases name the process; a restart is a new owner, so a crashed owner's leases simply expire. */
  private readonly owner = `replay-runner:${randomUUID()}`;
  private readonly budget: RateBudget;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = true;

  constructor(
    @Inject(REPLAY_JOB_STORE) private readonly store: ReplayJobStore,
    private readonly producer: ReplayProducer,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
    @Inject(ADMIN_METRICS) private readonly metrics: AdminMetrics,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    private readonly logger: PinoLogger,
  ) {
    this.budget = new RateBudget();
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.store.release(this.owner).catch((error: unknown) => {
      this.logger.warn(
        { event: 'replay-job.release-failed', error: describeError(error) },
        'leases left to expire',
      );
    });
  }

  /** One round over the jobs this replica can lease; exposed so tests can drive the runner. */
  async runOnce(): Promise<number> {
    const jobs = await this.store.claim(this.owner, this.config.replay.jobs.leaseMs, JOBS_PER_ROUND);
    let handled = 0;
    for (const job of jobs) handled += await this.advanceSafely(job);
    return handled;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runOnce()
        .catch((error: unknown) => {
          this.logger.warn(
            { event: 'replay-job.round-failed', error: describeError(error) },
            'replay round failed; next round retries',
          );
        })
        .then(() => this.schedule(this.config.replay.jobs.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async advanceSafely(job: ClaimedJob): Promise<number> {
    try {
      return await this.advance(job);
    } catch (error) {
      this.metrics.replayBatchFailures.inc({ retriable: String(isRetriable(error)) });
      const level = isRetriable(error) ? 'warn' : 'error';
      this.logger[level](
        {
          event: 'replay-job.batch-failed',
          jobId: job.id,
          error: describeError(error),
          retriable: isRetriable(error),
        },
        'a replay batch was rolled back; the next round tries it again',
      );
      return 0;
    }
  }

  /** Batches while the job's budget allows; the rest waits for the next round. */
  private async advance(job: ClaimedJob): Promise<number> {
    if (await this.backupTurnedOff(job)) return 0;
    let handled = 0;
    while (!this.stopped) {
      const limit = this.budget.take(job.id, job.ratePerSecond, MAX_BATCH);
      if (limit === 0) break;
      const result = await this.store.runBatch(
        job.id,
        this.owner,
        { limit, leaseMs: this.config.replay.jobs.leaseMs },
        (batch) => this.handle(batch),
      );
      if (result === 'not-running' || result.finished) {
        this.budget.forget(job.id);
        return handled + (result === 'not-running' ? 0 : result.handled);
      }
      handled += result.handled;
      this.budget.giveBack(job.id, limit - result.handled);
    }
    return handled;
  }

  /**
   * A workspace's backup turned off while its job ran: what is produced now would only be counted as
   * skipped, so the job is cancelled (audited, by the service) and can be resumed once it is enabled again.
   */
  private async backupTurnedOff(job: ClaimedJob): Promise<boolean> {
    if (job.kind !== 'failures' || job.workspaceId === null) return false;
    const configuration = await this.configurations.find(job.workspaceId);
    if (configuration?.status === 'enabled') return false;
    const workspaceId = job.workspaceId;
    await this.store.cancel(job.id, SYSTEM_ACTOR, (current) => ({
      workspaceId,
      actor: SYSTEM_ACTOR,
      action: 'replay-job-cancelled',
      details: { jobId: job.id, reason: 'backup-not-enabled', progress: current.progress },
    }));
    this.budget.forget(job.id);
    this.logger.warn(
      { event: 'replay-job.cancelled', jobId: job.id, workspaceId, reason: 'backup-not-enabled' },
      'replay job cancelled: the backup is not enabled any more; resume it once it is',
    );
    return true;
  }

  private async handle({ job, due }: ReplayBatch): Promise<HandledItem[]> {
    const toProduce = due.filter((item) => item.skip === null);
    const outcomes = await this.producer.produceEach(toProduce.map(sealedOf));
    const produced = new Map(toProduce.map((item, index) => [item.seq, outcomes[index]]));
    const handled = due.map((item): HandledItem => {
      if (item.skip !== null) return { seq: item.seq, state: 'skipped', reason: item.skip };
      return handledAs(item, produced.get(item.seq) as EachOutcome);
    });
    // Counted when produced: a batch rolled back is produced again, and then counted again.
    for (const item of handled) this.metrics.replayItems.inc({ kind: job.kind, state: item.state });
    return handled;
  }
}

function sealedOf(item: DueItem): SealedRecord {
  if (item.failure !== null) return ReplayProducer.ofFailure(item.failure);
  return {
    replayOf: item.source ?? `replay-item:${item.seq}`,
    ciphertext: item.recordCiphertext ?? '',
    sealedAs: 'backup-failure',
    workspaceId: item.recordWorkspaceId ?? undefined,
  };
}

function handledAs(item: DueItem, outcome: EachOutcome): HandledItem {
  const failure = item.failure ? { id: item.failure.id, version: item.failure.version } : undefined;
  if ('delivered' in outcome) {
    const { topic, partition, offset } = outcome.delivered;
    return {
      seq: item.seq,
      state: 'replayed',
      ...(failure ? { failure } : {}),
      deliveredTo: { topic, partition, offset },
    };
  }
  const reason =
    'tooLarge' in outcome
      ? 'record-too-large'
      : 'rejected' in outcome
        ? 'produce-rejected'
        : 'record-unreadable';
  return { seq: item.seq, state: 'failed', reason, ...(failure ? { failure } : {}) };
}
