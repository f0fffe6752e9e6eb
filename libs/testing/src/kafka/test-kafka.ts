import { Kafka, logLevel } from 'kafkajs';

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
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1, configEntries })),
    });
  } finally {
    await admin.disconnect();
  }
}
