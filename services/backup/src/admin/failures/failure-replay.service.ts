import { Inject, Injectable } from '@nestjs/common';
import { ADMIN_CONFIG, CONFIGURATION_STORE, FAILURE_STORE } from '../admin.tokens';
import { type AdminConfig } from '../admin.config';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { ResourceNotFoundError, StateConflictError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { auditEntry } from '../setup/setup-audit';
import { type BackupFailure } from './backup-failure';
import { type BulkReplayResultDto, type NotReplayedDto, type ReplayResultDto } from './dto/failure.dto';
import { toFailureDto } from './failure.mapper';
import { type FailureStore } from './failure.store';
import { type Replay, ReplayProducer } from './replay-producer';

const BATCH_SIZE = 100;

type Opened = { readonly failure: BackupFailure; readonly replay: Replay };

/**
 * Replay = produce the original record again, to its original topic and with its key, value and
 * headers (+ `vb-replay-of`), wait for the broker's ack, then mark the failure replayed; all under
 * the failure's row lock. The pipeline then processes it like any event: the partition owner keeps
 * the order, and the version check makes a stale or duplicate replay harmless. If the process dies
 * between the ack and the commit, the failure stays open and a second replay is equally harmless.
 *
 * A record larger than its topic's `max.message.bytes` is never produced: a single replay answers
 * 422 `replay-record-too-large`, a bulk replay lists it in `notReplayed` and replays the others (the
 * producer splits them into requests that each fit the topic, using the same limits).
 * Replay jobs (`replay-jobs/`) are the tracked, rate-limited way to replay many.
 */
@Injectable()
export class FailureReplayService {
  constructor(
    @Inject(FAILURE_STORE) private readonly failures: FailureStore,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    private readonly producer: ReplayProducer,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  async replayOne(
    workspaceId: string,
    failureId: string,
    force: boolean,
    actor: Actor,
  ): Promise<ReplayResultDto> {
    await requireEnabled(this.configurations, workspaceId);
    return this.failures.withLocked(workspaceId, failureId, async (failure, tx) => {
      if (failure === null)
        throw new ResourceNotFoundError('FAILURE_NOT_FOUND', 'there is no such failure in this workspace');
      if (failure.status !== 'open' && !force) return { replayed: false, failure: toFailureDto(failure) };
      const replay = await this.producer.open(ReplayProducer.ofFailure(failure));
      if (replay === undefined) {
        throw new StateConflictError(
          'RECORD_UNREADABLE',
          'the failed record can no longer be decrypted (its key was retired)',
        );
      }
      const delivered = await this.producer.produceOne(replay);
      const [updated] = await tx.markReplayed([failure.id], actor.sub);
      await tx.audit([
        auditEntry(workspaceId, actor, 'replayed', {
          failureIds: [failure.id],
          topic: replay.topic,
          forced: failure.status !== 'open',
        }),
      ]);
      return {
        replayed: true,
        failure: toFailureDto(updated ?? failure),
        ...(delivered
          ? {
              deliveredTo: {
                topic: delivered.topic,
                partition: delivered.partition,
                offset: delivered.offset,
              },
            }
          : {}),
      };
    });
  }

  async replayAllOpen(workspaceId: string, actor: Actor): Promise<BulkReplayResultDto> {
    await requireEnabled(this.configurations, workspaceId);
    const unreadable: string[] = [];
    const notReplayed: NotReplayedDto[] = [];
    let replayed = 0;
    let processed = 0;
    while (processed < this.config.replay.maxPerRequest) {
      const limit = Math.min(BATCH_SIZE, this.config.replay.maxPerRequest - processed);
      const exclude = [...unreadable, ...notReplayed.map(({ failureId }) => failureId)];
      const batch = await this.failures.withLockedOpen(
        workspaceId,
        { limit, exclude },
        async (failures, tx) => {
          const opened = await this.openAll(failures, unreadable);
          const replays = await this.producer.withinLimits(
            opened.map(({ replay }) => replay),
            notReplayed,
          );
          await this.producer.produceInOrder(replays);
          if (replays.length > 0) {
            const failureIds = replays.map(({ replayOf }) => replayOf);
            await tx.markReplayed(failureIds, actor.sub);
            await tx.audit([auditEntry(workspaceId, actor, 'replayed', { failureIds, bulk: true })]);
          }
          return { seen: failures.length, replayed: replays.length };
        },
      );
      if (batch.seen === 0) break;
      processed += batch.seen;
      replayed += batch.replayed;
    }
    return { replayed, unreadable, notReplayed, remainingOpen: await this.failures.countOpen(workspaceId) };
  }

  private async openAll(failures: readonly BackupFailure[], unreadable: string[]): Promise<Opened[]> {
    const opened: Opened[] = [];
    for (const failure of failures) {
      const replay = await this.producer.open(ReplayProducer.ofFailure(failure));
      if (replay === undefined) unreadable.push(failure.id);
      else opened.push({ failure, replay });
    }
    return opened;
  }
}

/** Replaying into a backup that is off would only count the events as skipped. */
export async function requireEnabled(configurations: ConfigurationStore, workspaceId: string): Promise<void> {
  const configuration = await configurations.find(workspaceId);
  if (configuration?.status !== 'enabled') {
    throw new StateConflictError('BACKUP_NOT_ENABLED', 'enable the vault backup before replaying failures');
  }
}
