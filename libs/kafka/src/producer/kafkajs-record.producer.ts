import { type Kafka, Partitioners, type Producer, type RecordMetadata } from 'kafkajs';
import { type TopicLimitReader } from '../admin/topic-limits';
import { KafkaRecordTooLargeError, translateKafkaError, translateProduceError } from '../kafka.errors';
import { type DeliveredRecord, type OutgoingRecord } from '../kafka.types';
import { ProducerSession } from './producer-session';
import { chunkToFit, recordBatchBytes } from './record-size';
import { type RecordProducerPort } from './record-producer.port';

export interface KafkajsRecordProducerOptions {
  readonly transactionalId?: string;
  /**
   * The topics' size limits. With them a record the topic cannot take is refused here, before it
   * reaches the broker, and a send too large for one produce request is split into several.
   */
  readonly limits?: TopicLimitReader;
}

/**
 * Idempotent producer with acks=all: a retried send can never duplicate a record in the log.
 *
 * After any failed send the idempotent producer's sequence numbers may no longer match the broker's
 * (kafkajs rolls them back even for partitions the broker accepted: the next record is then refused
 * with OUT_OF_ORDER_SEQUENCE_NUMBER, or silently taken for a duplicate). So a failed send retires its
 * kafkajs producer: the next send waits for the sends still running on it, then uses a new producer
 * (new producer id, fresh sequences). Errors are typed (see `translateProduceError`).
 */
export class KafkajsRecordProducer implements RecordProducerPort {
  private session: ProducerSession | undefined;
  /** Retired sessions until their producer is disconnected, with that disconnect. */
  private readonly retiring = new Map<ProducerSession, Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkajsRecordProducerOptions = {},
  ) {}

  async connect(): Promise<void> {
    const session = await this.acquire();
    session.release();
  }

  async disconnect(): Promise<void> {
    if (this.session) this.retire(this.session);
    await Promise.all(this.retiring.values());
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    if (records.length === 0) return [];
    const delivered: DeliveredRecord[] = [];
    for (const chunk of await this.fittingChunks(topic, records))
      delivered.push(...(await this.sendChunk(topic, chunk)));
    return delivered;
  }

  /** One chunk per produce request, each within the topic's limit when it is known. */
  private async fittingChunks(
    topic: string,
    records: readonly OutgoingRecord[],
  ): Promise<readonly (readonly OutgoingRecord[])[]> {
    const limitBytes = await this.knownLimit(topic);
    if (limitBytes === undefined) return [records];
    for (const record of records) {
      const recordBytes = recordBatchBytes([record]);
      if (recordBytes > limitBytes) {
        this.options.limits?.invalidate(topic);
        throw new KafkaRecordTooLargeError(
          'KAFKA_MESSAGE_TOO_LARGE',
          `producing to ${topic} refused: the record takes ${recordBytes} bytes, the topic accepts ${limitBytes}`,
          { topic, detectedBy: 'client', recordBytes, limitBytes },
        );
      }
    }
    return chunkToFit(records, limitBytes);
  }

  /** The broker enforces the limit anyway: when it cannot be read now, the send goes ahead unchecked. */
  private async knownLimit(topic: string): Promise<number | undefined> {
    try {
      return await this.options.limits?.maxMessageBytes(topic);
    } catch {
      return undefined;
    }
  }

  private async sendChunk(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    const session = await this.acquire();
    try {
      const metadata = await session.producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: record.key,
          value: record.value,
          ...(record.headers ? { headers: record.headers } : {}),
          ...(record.partition === undefined ? {} : { partition: record.partition }),
        })),
      });
      return deliveredRecords(topic, metadata, records.length);
    } catch (error) {
      this.retire(session);
      const typed = translateProduceError(error, topic);
      if (typed instanceof KafkaRecordTooLargeError) this.options.limits?.invalidate(topic);
      throw typed;
    } finally {
      session.release();
    }
  }

  /** The current session, connected and counted as in use; a new one when there is none or it failed to connect. */
  private async acquire(): Promise<ProducerSession> {
    for (;;) {
      const session = (this.session ??= new ProducerSession(this.newProducer(), [...this.retiring.keys()]));
      try {
        await session.ready;
      } catch (error) {
        this.retire(session);
        throw translateKafkaError(error, 'connecting the producer');
      }
      if (!session.retired) {
        session.acquire();
        return session;
      }
    }
  }

  private retire(session: ProducerSession): void {
    if (this.session === session) this.session = undefined;
    if (this.retiring.has(session)) return;
    this.retiring.set(
      session,
      session.close().then(() => {
        this.retiring.delete(session);
      }),
    );
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning: same key → same partition as other clients choose.
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs requires unbounded retries for idempotence; the caller bounds each send with its own deadline.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
      ...(this.options.transactionalId ? { transactionalId: this.options.transactionalId } : {}),
    });
  }
}

/**
 * kafkajs reports one base offset per partition; a single-record send (our dead-letter path)
 * therefore maps exactly. For multi-record sends only the partitions are known precisely.
 */
function deliveredRecords(topic: string, metadata: RecordMetadata[], count: number): DeliveredRecord[] {
  if (count === 1 && metadata.length === 1) {
    const [only] = metadata as [RecordMetadata];
    return [{ topic, partition: only.partition, offset: only.baseOffset ?? '-1' }];
  }
  return metadata.map((entry) => ({ topic, partition: entry.partition, offset: entry.baseOffset ?? '-1' }));
}
