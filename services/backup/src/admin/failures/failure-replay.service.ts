import { Inject, Injectable } from '@nestjs/common';
import { DependencyUnavailableError, isAppError } from '@vault-backup/errors';
import {
  type ConsumedRecord,
  type DeliveredRecord,
  KafkaRecordTooLargeError,
  type OutgoingRecord,
  type RecordProducerPort,
  type TopicLimitReader,
} from '@vault-backup/kafka';
import { RECORD_PRODUCER, TOPIC_LIMITS } from '../../kafka/kafka.tokens';
import { RECORD_SEALER, type RecordSealerPort } from '../../pipeline/ports/record-sealer.port';
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
import { toReplayRecord } from './replay-record';
import { isTooLarge, measureReplay, replayRecordTooLarge } from './replay-size';

const BATCH_SIZE = 100;

type Opened = { readonly failure: BackupFailure; readonly record: ConsumedRecord };

/** An opened failure as it will be re-produced. */
type Replay = { readonly failure: BackupFailure; readonly topic: string; readonly record: OutgoingRecord };

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
 */
@Injectable()
export class FailureReplayService {
  constructor(
    @Inject(FAILURE_STORE) private readonly failures: FailureStore,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    @Inject(RECORD_SEALER) private readonly sealer: RecordSealerPort,
    @Inject(RECORD_PRODUCER) private readonly producer: RecordProducerPort,
    @Inject(TOPIC_LIMITS) private readonly limits: TopicLimitReader,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  async replayOne(
    workspaceId: string,
    failureId: string,
    force: boolean,
    actor: Actor,
  ): Promise<ReplayResultDto> {
    await this.requireEnabled(workspaceId);
    return this.failures.withLocked(workspaceId, failureId, async (failure, tx) => {
      if (failure === null)
        throw new ResourceNotFoundError('FAILURE_NOT_FOUND', 'there is no such failure in this workspace');
      if (failure.status !== 'open' && !force) return { replayed: false, failure: toFailureDto(failure) };
      const opened = await this.open(failure);
      if (opened === undefined) {
        throw new StateConflictError(
          'RECORD_UNREADABLE',
          'the failed record can no longer be decrypted (its key was retired)',
        );
      }
      const delivered = await this.produceOne(toReplay(opened));
      const [updated] = await tx.markReplayed([failure.id], actor.sub);
      await tx.audit([
        auditEntry(workspaceId, actor, 'replayed', {
          failureIds: [failure.id],
          topic: opened.record.topic,
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
    await this.requireEnabled(workspaceId);
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
          const replays = await this.withinLimits(
            (await this.openAll(failures, unreadable)).map(toReplay),
            notReplayed,
          );
          await this.produceInOrder(replays);
          if (replays.length > 0) {
            const failureIds = replays.map(({ failure }) => failure.id);
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

  /** Replaying into a backup that is off would only count the events as skipped. */
  private async requireEnabled(workspaceId: string): Promise<void> {
    const configuration = await this.configurations.find(workspaceId);
    if (configuration?.status !== 'enabled') {
      throw new StateConflictError('BACKUP_NOT_ENABLED', 'enable the vault backup before replaying failures');
    }
  }

  private async openAll(failures: readonly BackupFailure[], unreadable: string[]): Promise<Opened[]> {
    const opened: Opened[] = [];
    for (const failure of failures) {
      const result = await this.open(failure);
      if (result === undefined) unreadable.push(failure.id);
      else opened.push(result);
    }
    return opened;
  }

  /** Undefined when the sealed record cannot be opened for good; a transient key-service error propagates. */
  private async open(failure: BackupFailure): Promise<Opened | undefined> {
    try {
      // Sealed under the workspace the failure is attributed to, which is the one stored with it.
      const workspaceId = failure.workspaceId ?? undefined;
      return {
        failure,
        record: await this.sealer.open(failure.recordCiphertext, failure.sealedAs, workspaceId),
      };
    } catch (error) {
      if (isAppError(error) && error.retriable) throw error;
      return undefined;
    }
  }

  /** Refuses (422) a record its topic cannot take; the failure stays open. */
  private async produceOne({ failure, topic, record }: Replay): Promise<DeliveredRecord | undefined> {
    const size = await measureReplay(this.limits, failure.id, topic, record);
    if (isTooLarge(size)) throw replayRecordTooLarge(size);
    try {
      const [delivered] = await this.producer.send(topic, [record]);
      return delivered;
    } catch (error) {
      if (!(error instanceof KafkaRecordTooLargeError)) throw error;
      // The topic's limit was lowered since it was read; the producer dropped the stale value.
      throw replayRecordTooLarge(await measureReplay(this.limits, failure.id, topic, record));
    }
  }

  /** The replays their topics can take; the others are added to `notReplayed`. */
  private async withinLimits(replays: readonly Replay[], notReplayed: NotReplayedDto[]): Promise<Replay[]> {
    const fitting: Replay[] = [];
    for (const { failure, topic, record } of replays) {
      const size = await measureReplay(this.limits, failure.id, topic, record);
      if (isTooLarge(size)) notReplayed.push({ ...size, reason: 'record-too-large' });
      else fitting.push({ failure, topic, record });
    }
    return fitting;
  }

  /**
   * One awaited send per topic, records in the order the failures happened (the producer splits it
   * into requests that fit). If the broker still finds one too large, its limit changed since it was
   * read: nothing is marked replayed and the caller is asked to try again.
   */
  private async produceInOrder(replays: readonly Replay[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { topic, record } of replays) {
      const records = byTopic.get(topic) ?? [];
      records.push(record);
      byTopic.set(topic, records);
    }
    for (const [topic, records] of byTopic) {
      try {
        await this.producer.send(topic, records);
      } catch (error) {
        if (!(error instanceof KafkaRecordTooLargeError)) throw error;
        throw new DependencyUnavailableError(
          'kafka',
          `the size limit of topic ${topic} changed during the replay`,
          {
            cause: error,
          },
        );
      }
    }
  }
}

function toReplay({ failure, record }: Opened): Replay {
  return { failure, topic: record.topic, record: toReplayRecord(record, failure.id) };
}
