import { randomUUID } from 'node:crypto';
import { type Consumer, type Kafka } from 'kafkajs';
import { KafkaUnavailableError, translateKafkaError } from '../kafka.errors';
import { type ConsumedRecord } from '../kafka.types';
import { toConsumedRecord } from './kafkajs-batch.consumer';

/** One partition's records from `fromOffset` to `toOffset`, both inclusive (64-bit offsets as decimal strings). */
export interface TopicRange {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: string;
  readonly toOffset: string;
}

export interface TopicRangeReaderPort {
  /** The records of the range that still exist (retention may have dropped the start), in offset order. */
  read(range: TopicRange): Promise<ConsumedRecord[]>;
}

export interface TopicRangeReaderOptions {
  /** How long a read may take before it fails as unavailable. */
  readonly timeoutMs?: number;
}

/**
 * Reads an offset range of one partition, e.g. of the dead-letter topic to replay from it. kafkajs
 * has no consumer without a group, so each read joins a group of its own (a fresh id, nothing ever
 * committed), seeks to the start of the range, and leaves and deletes the group when done. The
 * range is first clamped to the partition's low and high watermarks, so a read never waits for
 * records that are gone or not written yet.
 */
export class KafkajsTopicRangeReader implements TopicRangeReaderPort {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicRangeReaderOptions = {},
  ) {}

  async read(range: TopicRange): Promise<ConsumedRecord[]> {
    const bounds = await this.clamp(range);
    if (bounds === undefined) return [];
    const groupId = `vault-backup-range-reader-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 250, retry: { retries: 3 } });
    try {
      return await this.collect(consumer, range, bounds);
    } catch (error) {
      throw translateKafkaError(error, `reading ${range.topic}/${range.partition}`);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
  }

  private async collect(
    consumer: Consumer,
    range: TopicRange,
    bounds: { from: bigint; to: bigint },
  ): Promise<ConsumedRecord[]> {
    const records: ConsumedRecord[] = [];
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic: range.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        if (batch.partition !== range.partition) return Promise.resolve();
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= bounds.from && offset <= bounds.to)
            records.push(toConsumedRecord(batch.topic, batch.partition, message));
        }
        if (BigInt(batch.lastOffset()) >= bounds.to) finish();
        return Promise.resolve();
      },
    });
    consumer.seek({ topic: range.topic, partition: range.partition, offset: bounds.from.toString() });
    await withTimeout(done, this.options.timeoutMs ?? 30_000, range);
    return records;
  }

  private async clamp(range: TopicRange): Promise<{ from: bigint; to: bigint } | undefined> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(range.topic);
      const partition = offsets.find((entry) => entry.partition === range.partition);
      if (partition === undefined) return undefined;
      const from = max(BigInt(range.fromOffset), BigInt(partition.low));
      const to = min(BigInt(range.toOffset), BigInt(partition.high) - 1n);
      return from <= to ? { from, to } : undefined;
    } catch (error) {
      throw translateKafkaError(error, `reading the offsets of ${range.topic}`);
    } finally {
      await admin.disconnect();
    }
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // An empty group without offsets expires by itself; failing to delete it early changes nothing.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

async function withTimeout(done: Promise<void>, timeoutMs: number, range: TopicRange): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KafkaUnavailableError(
            `reading ${range.topic}/${range.partition} did not finish within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
