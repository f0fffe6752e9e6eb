import { type Kafka } from 'kafkajs';
import { AppError } from '@vault-backup/errors';
import { createTopics, requireBrokers, silentLogger, testKafka, uniqueName } from '@vault-backup/testing';
import { createKafkaClient } from '../client/kafka-client.factory';
import { KafkajsTopicRangeReader } from './topic-range.reader';

describe('KafkajsTopicRangeReader against a real broker', () => {
  let kafka: Kafka;
  let topic: string;

  beforeAll(async () => {
    const brokers = requireBrokers('KAFKA_BROKERS');
    kafka = createKafkaClient({ brokers, clientId: uniqueName('it'), ssl: false }, silentLogger());
    topic = uniqueName('it-range');
    await createTopics(testKafka(brokers), [topic], 2);
    const producer = testKafka(brokers).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, index) => ({
        partition: 1,
        key: `k${index}`,
        value: `v${index}`,
        headers: { n: String(index) },
      })),
    });
    await producer.send({ topic, messages: [{ partition: 0, key: 'other', value: 'p0' }] });
    await producer.disconnect();
  });

  const values = (records: { value: Buffer | string | null }[]) =>
    records.map((record) => String(record.value));

  it('reads one partition’s inclusive offset range with keys and headers, and nothing of the others', async () => {
    const records = await new KafkajsTopicRangeReader(kafka).read({
      topic,
      partition: 1,
      fromOffset: '3',
      toOffset: '6',
    });
    expect(values(records)).toEqual(['v3', 'v4', 'v5', 'v6']);
    expect(records[0]).toMatchObject({ topic, partition: 1, offset: '3' });
    expect(String(records[0]?.key)).toBe('k3');
    expect(String(records[0]?.headers['n'])).toBe('3');
  });

  it('clamps the range to what exists: past the end it stops at the last record, beyond it reads nothing', async () => {
    const reader = new KafkajsTopicRangeReader(kafka);
    expect(values(await reader.read({ topic, partition: 1, fromOffset: '8', toOffset: '5000' }))).toEqual([
      'v8',
      'v9',
    ]);
    expect(await reader.read({ topic, partition: 1, fromOffset: '10', toOffset: '20' })).toEqual([]);
    expect(await reader.read({ topic, partition: 7, fromOffset: '0', toOffset: '20' })).toEqual([]);
  });

  it('leaves no consumer group behind', async () => {
    await new KafkajsTopicRangeReader(kafka).read({ topic, partition: 0, fromOffset: '0', toOffset: '0' });
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups.filter((group) => group.groupId.startsWith('vault-backup-range-reader-'))).toEqual([]);
  });

  it('an unknown topic fails as a typed error, not a hang', async () => {
    const error = await new KafkajsTopicRangeReader(kafka, { timeoutMs: 5_000 })
      .read({ topic: uniqueName('missing'), partition: 0, fromOffset: '0', toOffset: '1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(['KAFKA_UNAVAILABLE', 'KAFKA_REQUEST_REJECTED']).toContain((error as AppError).code);
  });
});
