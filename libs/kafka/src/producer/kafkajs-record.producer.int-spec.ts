import { type Kafka, type KafkaMessage } from 'kafkajs';
import {
  createTopics,
  requireBrokers,
  silentLogger,
  testKafka,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { KafkaAdmin } from '../admin/kafka-admin';
import { CachedTopicLimitReader } from '../admin/topic-limits';
import { createKafkaClient } from '../client/kafka-client.factory';
import { KafkaRecordTooLargeError } from '../kafka.errors';
import { type OutgoingRecord } from '../kafka.types';
import { KafkajsRecordProducer } from './kafkajs-record.producer';
import { RECORD_BATCH_OVERHEAD_BYTES, recordBatchBytes } from './record-size';

const brokerVariants: ['KAFKA_BROKERS' | 'KAFKA4_BROKERS', string][] = [['KAFKA_BROKERS', 'Kafka 3.9']];
if (process.env.KAFKA4_BROKERS) brokerVariants.push(['KAFKA4_BROKERS', 'Kafka 4.x']);

/** Kafka's default `message.max.bytes` (1 MiB + 12), inherited by a topic that sets nothing. */
const BROKER_DEFAULT_LIMIT = 1_048_588;

/** A record whose batch takes exactly `batchBytes` on the wire. */
function recordOfBatchBytes(batchBytes: number, partition = 0): OutgoingRecord {
  const base = { key: 'k', partition };
  let valueBytes = batchBytes - recordBatchBytes([{ ...base, value: '' }]);
  while (recordBatchBytes([{ ...base, value: Buffer.alloc(valueBytes) }]) > batchBytes) valueBytes -= 1;
  const record = { ...base, value: Buffer.alloc(valueBytes, 0x62) };
  expect(recordBatchBytes([record])).toBe(batchBytes);
  return record;
}

describe.each(brokerVariants)('KafkajsRecordProducer and topic limits (%s, %s)', (variable) => {
  let kafka: Kafka;
  let admin: KafkaAdmin;
  let setup: Kafka;
  const producers: KafkajsRecordProducer[] = [];

  beforeAll(async () => {
    const brokers = requireBrokers(variable);
    kafka = createKafkaClient({ brokers, clientId: uniqueName('it-producer'), ssl: false }, silentLogger());
    setup = testKafka(brokers);
    admin = new KafkaAdmin(kafka);
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect()));
    await admin.disconnect();
  });

  async function topicAtDefaults(partitions = 1): Promise<string> {
    const topic = uniqueName('it-limit');
    await createTopics(setup, [topic], partitions);
    return topic;
  }

  async function connected(withLimits: boolean): Promise<KafkajsRecordProducer> {
    const producer = new KafkajsRecordProducer(
      kafka,
      withLimits ? { limits: new CachedTopicLimitReader(admin) } : {},
    );
    producers.push(producer);
    await producer.connect();
    return producer;
  }

  async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = setup.consumer({ groupId: uniqueName('it-read'), maxBytesPerPartition: 4_194_304 });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(() => messages.length >= count, { timeoutMs: 20_000, description: `${count} records` });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return messages;
    } finally {
      await consumer.disconnect();
    }
  }

  it('reads the effective limit: the broker default, a topic override, the broker value for a missing topic', async () => {
    const defaults = await topicAtDefaults();
    const overridden = uniqueName('it-limit-override');
    await createTopics(setup, [overridden], 1, [{ name: 'max.message.bytes', value: '200000' }]);
    expect(await admin.maxMessageBytes(defaults)).toBe(BROKER_DEFAULT_LIMIT);
    expect(await admin.maxMessageBytes(overridden)).toBe(200_000);
    expect(await admin.maxMessageBytes(uniqueName('it-missing'))).toBe(BROKER_DEFAULT_LIMIT);
  });

  it('computes sizes exactly as the broker measures them: the limit is accepted, one byte more is refused', async () => {
    const topic = await topicAtDefaults();
    const unchecked = await connected(false);
    await expect(unchecked.send(topic, [recordOfBatchBytes(BROKER_DEFAULT_LIMIT)])).resolves.toHaveLength(1);
    const refused = await unchecked
      .send(topic, [recordOfBatchBytes(BROKER_DEFAULT_LIMIT + 1)])
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KafkaRecordTooLargeError);
    expect(refused).toMatchObject({
      code: 'KAFKA_MESSAGE_TOO_LARGE',
      retriable: false,
      detectedBy: 'broker',
    });
  });

  it('refuses an oversize record before the broker, then sends the next record to the same topic', async () => {
    const topic = await topicAtDefaults();
    const producer = await connected(true);
    const refused = await producer
      .send(topic, [recordOfBatchBytes(BROKER_DEFAULT_LIMIT + 1)])
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'KAFKA_MESSAGE_TOO_LARGE',
      retriable: false,
      detectedBy: 'client',
    });
    await producer.send(topic, [{ key: 'k', value: 'after' }]);
    expect((await readAll(topic, 1)).map((message) => message.value?.toString())).toEqual(['after']);
  });

  it('is not poisoned by a broker refusal: later records are all written, none taken for a duplicate', async () => {
    const topic = await topicAtDefaults(2);
    const producer = await connected(false);
    await producer.send(topic, [{ key: null, value: 'first', partition: 0 }]);
    // One request, two partitions: the broker appends partition 0 and refuses partition 1.
    const mixed = await producer
      .send(topic, [
        { key: null, value: 'accepted', partition: 0 },
        recordOfBatchBytes(BROKER_DEFAULT_LIMIT + 1, 1),
      ])
      .catch((e: unknown) => e);
    expect(mixed).toMatchObject({ code: 'KAFKA_MESSAGE_TOO_LARGE', retriable: false });

    for (const value of ['after-1', 'after-2'])
      await producer.send(topic, [{ key: null, value, partition: 0 }]);
    const values = (await readAll(topic, 4)).map((message) => message.value?.toString());
    expect(values).toEqual(['first', 'accepted', 'after-1', 'after-2']);
  });

  it('splits records that each fit but together exceed the limit, in order, into requests the broker accepts', async () => {
    const topic = await topicAtDefaults();
    const third = Math.floor((BROKER_DEFAULT_LIMIT - RECORD_BATCH_OVERHEAD_BYTES) / 3);
    const records = Array.from({ length: 5 }, (_, index) => ({
      key: 'same-key',
      value: Buffer.alloc(third, 0x30 + index),
    }));
    expect(recordBatchBytes(records)).toBeGreaterThan(BROKER_DEFAULT_LIMIT);

    const unchecked = await connected(false);
    await expect(unchecked.send(topic, records)).rejects.toBeInstanceOf(KafkaRecordTooLargeError);
    const producer = await connected(true);
    await producer.send(topic, records);
    const firstBytes = (await readAll(topic, 5)).map((message) => message.value?.[0]);
    expect(firstBytes).toEqual([0x30, 0x31, 0x32, 0x33, 0x34]);
  });
});
