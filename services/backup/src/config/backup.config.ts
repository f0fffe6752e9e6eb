import { type Secret } from '@vault-backup/config';
import { parseEnv } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { type LogLevel } from '@vault-backup/observability';
import { backupEnvSchema, type BackupEnv } from './backup-config.schema';

export interface BackupConfig {
  readonly env: 'production' | 'development' | 'test';
  readonly logLevel: LogLevel;
  readonly http: { readonly host: string; readonly port: number };
  readonly shutdownTimeoutMs: number;
  readonly database: {
    readonly url: Secret;
    readonly poolSize: number;
    readonly statementTimeoutMs: number;
    readonly migrateOnStart: boolean;
  };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    readonly topics: readonly string[];
    readonly dlqTopic: string;
    readonly fromBeginning: boolean;
    readonly ssl: boolean;
    readonly sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: Secret };
    readonly sessionTimeoutMs: number;
    readonly heartbeatIntervalMs: number;
    readonly rebalanceTimeoutMs: number;
    readonly partitionsConcurrency: number;
    readonly maxBytesPerPartition: number;
    readonly maxWaitMs: number;
    readonly ensureTopics: boolean;
    readonly topicPartitions: number;
  };
}

export const BACKUP_CONFIG = Symbol('BACKUP_CONFIG');

/** Parses and validates the environment once, at start-up, into the typed configuration. */
export function loadBackupConfig(env: Record<string, string | undefined> = process.env): BackupConfig {
  const parsed = parseEnv(backupEnvSchema, env);
  return toConfig(parsed);
}

function toConfig(env: BackupEnv): BackupConfig {
  if (env.KAFKA_HEARTBEAT_INTERVAL * 3 > env.KAFKA_SESSION_TIMEOUT) {
    throw new ConfigurationError(['KAFKA_HEARTBEAT_INTERVAL must be at most a third of KAFKA_SESSION_TIMEOUT']);
  }
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT,
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT,
      migrateOnStart: env.DATABASE_MIGRATE_ON_START,
    },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      groupId: env.KAFKA_GROUP_ID,
      topics: env.KAFKA_TOPICS,
      dlqTopic: env.KAFKA_DLQ_TOPIC,
      fromBeginning: env.KAFKA_FROM_BEGINNING,
      ssl: env.KAFKA_SSL,
      ...saslSettings(env),
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT,
      heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL,
      rebalanceTimeoutMs: env.KAFKA_REBALANCE_TIMEOUT,
      partitionsConcurrency: env.KAFKA_PARTITIONS_CONCURRENCY,
      maxBytesPerPartition: env.KAFKA_MAX_BYTES_PER_PARTITION,
      maxWaitMs: env.KAFKA_MAX_WAIT,
      ensureTopics: env.KAFKA_ENSURE_TOPICS,
      topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
    },
  };
}

function saslSettings(env: BackupEnv): Pick<BackupConfig['kafka'], 'sasl'> {
  if (!env.KAFKA_SASL_MECHANISM) return {};
  if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
    throw new ConfigurationError(['KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM']);
  }
  return {
    sasl: { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD },
  };
}
