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
import { type BackupFailure } from './backup-failure';
import { type NotReplayedDto } from './dto/failure.dto';
import { toReplayRecord } from './replay-record';
import { isTooLarge, measureReplay, replayRecordTooLarge, type ReplaySize } from './replay-size';

/** A sealed record to produce again, under the id its `vb-replay-of` header will name. */
export interface SealedRecord {
  readonly replayOf: string;
  readonly ciphertext: string;
  readonly sealedAs: BackupFailure['sealedAs'];
  /** The workspace it was sealed for; undefined when it is attributed to none. */
  readonly workspaceId: string | undefined;
}

/** An opened record as it will be re-produced. */
export interface Replay {
  readonly replayOf: string;
  readonly topic: string;
  readonly record: OutgoingRecord;
}

export type EachOutcome =
  | { readonly delivered: DeliveredRecord }
  | { readonly tooLarge: ReplaySize }
  | { readonly unreadable: true }
  /** The broker refused it for good (not for its size): the code says why. */
  | { readonly rejected: string };

/** At most this many single-record sends at once: items are distinct accounts, so order between them is free. */
const SEND_CONCURRENCY = 16;

/**
 * The one way the admin API produces failed records again (single replay, bulk replay, replay
 * jobs): open the sealed original, check it fits its topic's `max.message.bytes`, produce it with
 * its original key, value and headers plus `vb-replay-of`, and wait for the broker's ack. The
 * pipeline then treats it like any event; its version check makes a stale or repeated replay write nothing.
 */
@Injectable()
export class ReplayProducer {
  constructor(
    @Inject(RECORD_SEALER) private readonly sealer: RecordSealerPort,
    @Inject(RECORD_PRODUCER) private readonly producer: RecordProducerPort,
    @Inject(TOPIC_LIMITS) private readonly limits: TopicLimitReader,
  ) {}

  static ofFailure(failure: BackupFailure): SealedRecord {
    return {
      replayOf: failure.id,
      ciphertext: failure.recordCiphertext,
      sealedAs: failure.sealedAs,
      workspaceId: failure.workspaceId ?? undefined,
    };
  }

  /** Undefined when the sealed record cannot be opened for good; a transient key-service error propagates. */
  async open(sealed: SealedRecord): Promise<Replay | undefined> {
    let record: ConsumedRecord;
    try {
      record = await this.sealer.open(sealed.ciphertext, sealed.sealedAs, sealed.workspaceId);
    } catch (error) {
      if (isAppError(error) && error.retriable) throw error;
      return undefined;
    }
    return {
      replayOf: sealed.replayOf,
      topic: record.topic,
      record: toReplayRecord(record, sealed.replayOf),
    };
  }

  measure(replay: Replay): Promise<ReplaySize> {
    return measureReplay(this.limits, replay.replayOf, replay.topic, replay.record);
  }

  /** Refuses (422 `replay-record-too-large`) a record its topic cannot take. */
  async produceOne(replay: Replay): Promise<DeliveredRecord | undefined> {
    const size = await this.measure(replay);
    if (isTooLarge(size)) throw replayRecordTooLarge(size);
    try {
      const [delivered] = await this.producer.send(replay.topic, [replay.record]);
      return delivered;
    } catch (error) {
      if (!(error instanceof KafkaRecordTooLargeError)) throw error;
      // The topic's limit was lowered since it was read; the producer dropped the stale value.
      throw replayRecordTooLarge(await this.measure(replay));
    }
  }

  /** The replays their topics can take; the others are added to `notReplayed`. */
  async withinLimits(replays: readonly Replay[], notReplayed: NotReplayedDto[]): Promise<Replay[]> {
    const fitting: Replay[] = [];
    for (const replay of replays) {
      const size = await this.measure(replay);
      if (isTooLarge(size)) notReplayed.push({ ...size, reason: 'record-too-large' });
      else fitting.push(replay);
    }
    return fitting;
  }

  /**
   * One awaited send per topic, records in the given order (the producer splits it into requests
   * that fit). If the broker still finds one too large, its limit changed since it was read: the
   * caller's transaction must not mark anything replayed, so it fails as retriable.
   */
  async produceInOrder(replays: readonly Replay[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { topic, record } of replays) byTopic.set(topic, [...(byTopic.get(topic) ?? []), record]);
    for (const [topic, records] of byTopic) {
      try {
        await this.producer.send(topic, records);
      } catch (error) {
        if (!(error instanceof KafkaRecordTooLargeError)) throw error;
        throw limitChanged(topic, error);
      }
    }
  }

  /**
   * Opens and produces each record on its own, so each has its exact delivered position (a replay
   * job's report follows it); a few at a time. Unreadable and too-large records are reported, not
   * thrown; any other error (broker or key service unavailable) rejects the whole call.
   */
  async produceEach(sealed: readonly SealedRecord[]): Promise<EachOutcome[]> {
    const outcomes: EachOutcome[] = new Array<EachOutcome>(sealed.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < sealed.length) {
        const index = next++;
        try {
          outcomes[index] = await this.produceSealed(sealed[index]);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    // Every send started is awaited before rejecting: nothing is still producing once the caller rolls back.
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, sealed.length) }, worker));
    if (failure !== undefined) throw failure.error;
    return outcomes;
  }

  private async produceSealed(sealed: SealedRecord): Promise<EachOutcome> {
    const replay = await this.open(sealed);
    if (replay === undefined) return { unreadable: true };
    const size = await this.measure(replay);
    if (isTooLarge(size)) return { tooLarge: size };
    try {
      const [delivered] = await this.producer.send(replay.topic, [replay.record]);
      if (delivered === undefined)
        throw new DependencyUnavailableError('kafka', 'the broker returned no position');
      return { delivered };
    } catch (error) {
      if (error instanceof KafkaRecordTooLargeError) return { tooLarge: await this.measure(replay) };
      if (isAppError(error) && !error.retriable) return { rejected: error.code };
      throw error;
    }
  }
}

function limitChanged(topic: string, cause: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError(
    'kafka',
    `the size limit of topic ${topic} changed during the replay`,
    {
      cause,
    },
  );
}
