import { Inject, Injectable } from '@nestjs/common';
import { isAppError } from '@vault-backup/errors';
import { type ConsumedRecord, type OutgoingRecord, type RecordProducerPort } from '@vault-backup/kafka';
import { RECORD_PRODUCER } from '../../kafka/kafka.tokens';
import { RECORD_SEALER, type RecordSealerPort } from '../../pipeline/ports/record-sealer.port';
import { ADMIN_CONFIG, CONFIGURATION_STORE, FAILURE_STORE } from '../admin.tokens';
import { type AdminConfig } from '../admin.config';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { ResourceNotFoundError, StateConflictError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { auditEntry } from '../setup/setup-audit';
import { type BackupFailure } from './backup-failure';
import { type BulkReplayResultDto, type ReplayResultDto } from './dto/failure.dto';
import { toFailureDto } from './failure.mapper';
import { type FailureStore } from './failure.store';
import { toReplayRecord } from './replay-record';

const BATCH_SIZE = 100;

type Opened = { readonly failure: BackupFailure; readonly record: ConsumedRecord };

/**
 * Replay = produce the original record again, to its original topic and with its key, value and
 * headers (+ `vb-replay-of`), wait for the broker's ack, then mark the failure replayed; all under
 * the failure's row lock. The pipeline then processes it like any event: the partition owner keeps
 * the order, and the version check makes a stale or duplicate replay harmless. If the process dies
 * between the ack and the commit, the failure stays open and a second replay is equally harmless.
 */
@Injectable()
export class FailureReplayService {
  constructor(
    @Inject(FAILURE_STORE) private readonly failures: FailureStore,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    @Inject(RECORD_SEALER) private readonly sealer: RecordSealerPort,
    @Inject(RECORD_PRODUCER) private readonly producer: RecordProducerPort,
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
      const [delivered] = await this.producer.send(opened.record.topic, [
        toReplayRecord(opened.record, failure.id),
      ]);
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
    let replayed = 0;
    let processed = 0;
    while (processed < this.config.replay.maxPerRequest) {
      const limit = Math.min(BATCH_SIZE, this.config.replay.maxPerRequest - processed);
      const batch = await this.failures.withLockedOpen(
        workspaceId,
        { limit, exclude: unreadable },
        async (failures, tx) => {
          const opened = await this.openAll(failures, unreadable);
          await this.produceInOrder(opened);
          if (opened.length > 0) {
            await tx.markReplayed(
              opened.map(({ failure }) => failure.id),
              actor.sub,
            );
            await tx.audit([
              auditEntry(workspaceId, actor, 'replayed', {
                failureIds: opened.map(({ failure }) => failure.id),
                bulk: true,
              }),
            ]);
          }
          return { seen: failures.length, replayed: opened.length };
        },
      );
      if (batch.seen === 0) break;
      processed += batch.seen;
      replayed += batch.replayed;
    }
    return { replayed, unreadable, remainingOpen: await this.failures.countOpen(workspaceId) };
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
      return { failure, record: await this.sealer.open(failure.recordCiphertext, 'backup-failure') };
    } catch (error) {
      if (isAppError(error) && error.retriable) throw error;
      return undefined;
    }
  }

  /** One awaited send per topic, records in the order the failures happened. */
  private async produceInOrder(opened: readonly Opened[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { failure, record } of opened) {
      const records = byTopic.get(record.topic) ?? [];
      records.push(toReplayRecord(record, failure.id));
      byTopic.set(record.topic, records);
    }
    for (const [topic, records] of byTopic) await this.producer.send(topic, records);
  }
}
