import { z } from 'zod';
import { envBool, envDuration, envInt, envList, envSecret, envUrl } from '@vault-backup/config';

/**
 * Every environment variable the backup service reads, with its default. This is the only place
 * that knows variable names; the rest of the service receives the typed `BackupConfig`.
 * Secrets (marked envSecret) are wrapped and never echoed, not even in validation errors.
 */
export const backupEnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: envInt({ min: 0, max: 65_535 }).default(8080),
  SHUTDOWN_TIMEOUT: envDuration().default(25_000),

  DATABASE_URL: envSecret(envUrl(['postgres:', 'postgresql:'])),
  DATABASE_POOL_SIZE: envInt({ min: 2, max: 200 }).default(20),
  DATABASE_STATEMENT_TIMEOUT: envDuration().default(15_000),
  DATABASE_MIGRATE_ON_START: envBool().default(true),
  DATABASE_MIGRATION_LOCK_TIMEOUT: envDuration().default(120_000),

  KAFKA_BROKERS: envList(),
  KAFKA_CLIENT_ID: z.string().min(1).default('vault-backup'),
  KAFKA_GROUP_ID: z.string().min(1).default('vault-backup'),
  KAFKA_TOPICS: envList().default(['account-created', 'account-updated']),
  KAFKA_DLQ_TOPIC: z.string().min(1).default('account-events.dlq'),
  KAFKA_FROM_BEGINNING: envBool().default(true),
  KAFKA_SSL: envBool().default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: envSecret().optional(),
  KAFKA_SESSION_TIMEOUT: envDuration().default(30_000),
  KAFKA_HEARTBEAT_INTERVAL: envDuration().default(3_000),
  KAFKA_REBALANCE_TIMEOUT: envDuration().default(60_000),
  KAFKA_PARTITIONS_CONCURRENCY: envInt({ min: 1, max: 256 }).default(16),
  KAFKA_MAX_BYTES_PER_PARTITION: envInt({ min: 1_024 }).default(524_288),
  KAFKA_MAX_WAIT: envDuration().default(250),
  KAFKA_ENSURE_TOPICS: envBool().default(false),
  KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(6),

  BACKUP_TENANT_MAX_IN_FLIGHT: envInt({ min: 1, max: 1_000 }).default(16),
  BACKUP_MAX_IN_FLIGHT: envInt({ min: 1, max: 10_000 }).default(256),
  BACKUP_RETRY_POLL_INTERVAL: envDuration().default(1_000),
  BACKUP_RETRY_BASE_DELAY: envDuration().default(5_000),
  BACKUP_RETRY_MAX_DELAY: envDuration().default(300_000),
  BACKUP_RETRY_MAX_PER_ROUND: envInt({ min: 1, max: 10_000 }).default(200),
  BACKUP_WORKSPACE_CACHE_TTL: envDuration().default(5_000),
  BACKUP_WRITE_LEASE: envDuration().default(60_000),
  BACKUP_SLOW_WRITE_PARK_AFTER: envDuration().default(2_000),
  BACKUP_SLOW_WRITE_PARK_MIN: envDuration().default(250),
  BACKUP_ABANDONED_WRITE_SETTLE: envDuration().default(20_000),
  BACKUP_STALL_AFTER: envDuration().default(120_000),
  BACKUP_FATAL_AFTER: envDuration().default(60_000),

  CYBERARK_REQUEST_TIMEOUT: envDuration().default(10_000),
  CYBERARK_RETRIES: envInt({ min: 0, max: 10 }).default(2),
  CYBERARK_MAX_RETRY_TIME: envDuration().default(5_000),
  CYBERARK_BREAKER_ERROR_PERCENT: envInt({ min: 1, max: 100 }).default(50),
  CYBERARK_BREAKER_VOLUME_THRESHOLD: envInt({ min: 1, max: 10_000 }).default(5),
  CYBERARK_BREAKER_RESET_TIMEOUT: envDuration().default(10_000),

  DATA_ENCRYPTION_KEYS: envSecret(),
  DATA_KEY_CACHE_TTL: envDuration()
    .refine((ms) => ms >= 1_000, 'must be at least 1s')
    .default(300_000),
  DATA_KEY_CACHE_MAX: envInt({ min: 1, max: 1_000_000 }).default(10_000),
  DATA_KEY_MAX_AGE: envDuration()
    .refine((ms) => ms >= 1_000, 'must be at least 1s')
    .default(3_600_000),
  FINGERPRINT_KEY: envSecret(),
  LOCAL_UNWRAP_KEYS_FILE: z.string().min(1).optional(),

  KEY_VAULT_REQUEST_TIMEOUT: envDuration().default(10_000),
  KEY_VAULT_AUTHORITY_HOST: envUrl(['https:']).optional(),
  KEY_VAULT_EXTRA_CA_FILE: z.string().min(1).optional(),
  KEY_VAULT_ALLOW_INSECURE_LOOPBACK: envBool().default(false),
  KEY_VAULT_CONNECT_TO: z
    .string()
    .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/, 'must be <loopback IPv4>:<port>')
    .optional(),
  CONTENT_KEY_CACHE_TTL: envDuration()
    .refine((ms) => ms >= 1_000, 'must be at least 1s')
    .default(600_000),
  CONTENT_KEY_CACHE_MAX: envInt({ min: 1, max: 100_000 }).default(1_000),
  SERVICE_KEY_VAULT_URL: z.string().min(1).optional(),
  SERVICE_KEY_NAME: z.string().min(1).optional(),
});

export type BackupEnv = z.infer<typeof backupEnvSchema>;
