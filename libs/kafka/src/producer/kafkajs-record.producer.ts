import { type Kafka, Partitioners, type Producer, type RecordMetadata } from 'kafkajs';
import { translateKafkaError } from '../kafka.errors';
import { type DeliveredRecord, type OutgoingRecord } from '../kafka.types';
import { type RecordProducerPort } from './record-producer.port';

/** Idempotent producer with acks=all: a retried send can never duplicate a record in the log. */
export class KafkajsRecordProducer implements RecordProducerPort {
  private readonly producer: Producer;

  constructor(kafka: Kafka, options: { transactionalId?: string } = {}) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning: same key → same partition as other clients choose.
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs requires unbounded retries for idempotence; the caller bounds each send with its own deadline.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
    });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      throw translateKafkaError(error, 'connecting the producer');
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    if (records.length === 0) return [];
    let metadata: RecordMetadata[];
    try {
      metadata = await this.producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: record.key,
          value: record.value,
          ...(record.headers ? { headers: record.headers } : {}),
          ...(record.partition === undefined ? {} : { partition: record.partition }),
        })),
      });
    } catch (error) {
      throw translateKafkaError(error, `producing to ${topic}`);
    }
    return deliveredRecords(topic, metadata, records.length);
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
