import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../support/wait-for';

export function requireBrokers(variable: 'KAFKA_BROKERS' | 'KAFKA4_BROKERS' = 'KAFKA_BROKERS'): string[] {
  const value = process.env[variable];
  if (!value)
    throw new Error(`${variable} is not set: run integration tests through jest so the stack starts`);
  return value.split(',').map((broker) => broker.trim());
}

/** A plain kafkajs client for test set-up (topics, seeding, reading back), quiet unless failing. */
export function testKafka(brokers: string[] = requireBrokers()): Kafka {
  return new Kafka({
    clientId: 'vault-backup-test',
    brokers,
    logLevel: logLevel.ERROR,
    retry: { retries: 5 },
  });
}

export async function createTopics(
  kafka: Kafka,
  topics: readonly string[],
  numPartitions = 1,
  configEntries: { name: string; value: string }[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // kafkajs' waitForLeaders does not retry "This server does not host this topic-partition", which a
    // busy broker answers for a moment after creation: wait for every partition's leader ourselves.
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1, configEntries })),
    });
    await waitFor(
      async () => {
        const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
        return described.every(
          (topic) =>
            topic.partitions.length === numPartitions &&
            topic.partitions.every((partition) => partition.leader >= 0),
        );
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `leaders of ${topics.join(', ')}` },
    );
  } finally {
    await admin.disconnect();
  }
}
