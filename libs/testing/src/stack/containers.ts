import { existsSync } from 'node:fs';
import { type StackEnv } from './stack-env';

/** Cheap probe: a Docker socket or DOCKER_HOST means testcontainers can try; it confirms on start. */
export async function dockerEngineReachable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Starts PostgreSQL and Kafka (KRaft, official apache/kafka images) with testcontainers. */
export async function startContainers(): Promise<StackEnv> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [postgres, kafka, kafka4] = await Promise.all([
    new PostgreSqlContainer('postgres:17-alpine')
      .withDatabase('vault_backup')
      .withUsername('vault_backup')
      .withPassword('vault_backup')
      .withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_connections=200'])
      .start(),
    new KafkaContainer('apache/kafka:3.9.1').withKraft().start(),
    new KafkaContainer('apache/kafka:4.1.1').withKraft().start(),
  ]);
  const broker = (container: typeof kafka) => `${container.getHost()}:${container.getMappedPort(9093)}`;
  return {
    DATABASE_URL: postgres.getConnectionUri(),
    KAFKA_BROKERS: broker(kafka),
    KAFKA4_BROKERS: broker(kafka4),
  };
}
