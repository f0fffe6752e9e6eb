import { randomBytes } from 'node:crypto';
import { requireBrokers, uniqueName } from '@vault-backup/testing';

export interface ServiceTestInputs {
  readonly databaseUrl: string;
  readonly topics: { readonly created: string; readonly updated: string; readonly dlq: string };
  /** Prefix of the Kafka client id and consumer group, so a test's processes are recognisable. */
  readonly prefix: string;
  /** `DATA_ENCRYPTION_KEYS` (`<key id>:<base64 key>`); a fresh key by default. */
  readonly dataEncryptionKeys?: string;
}

/**
 * The environment every whole-service test starts from: the real local stack, its own topics and
 * consumer group, fast retries and short CyberArk timeouts against the loopback simulator. No admin
 * call is made unless a test sets the AUTH_* variables to a real issuer.
 */
export function serviceTestEnv(
  inputs: ServiceTestInputs,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const { topics } = inputs;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    DATABASE_URL: inputs.databaseUrl,
    DATABASE_POOL_SIZE: '10',
    KAFKA_BROKERS: requireBrokers().join(','),
    KAFKA_CLIENT_ID: uniqueName(inputs.prefix),
    KAFKA_GROUP_ID: uniqueName(`${inputs.prefix}-group`),
    KAFKA_TOPICS: `${topics.created},${topics.updated}`,
    KAFKA_DLQ_TOPIC: topics.dlq,
    KAFKA_SESSION_TIMEOUT: '10s',
    KAFKA_HEARTBEAT_INTERVAL: '1s',
    KAFKA_REBALANCE_TIMEOUT: '10s',
    KAFKA_MAX_WAIT: '100ms',
    DATA_ENCRYPTION_KEYS:
      inputs.dataEncryptionKeys ?? `${inputs.prefix}:${randomBytes(32).toString('base64')}`,
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    BACKUP_RETRY_POLL_INTERVAL: '200ms',
    BACKUP_RETRY_BASE_DELAY: '300ms',
    BACKUP_RETRY_MAX_DELAY: '2s',
    BACKUP_WORKSPACE_CACHE_TTL: '200ms',
    CYBERARK_REQUEST_TIMEOUT: '2s',
    CYBERARK_RETRIES: '1',
    CYBERARK_MAX_RETRY_TIME: '2s',
    BACKUP_SLOW_WRITE_PARK_AFTER: '1s',
    BACKUP_WRITE_LEASE: '10s',
    CYBERARK_BREAKER_RESET_TIMEOUT: '1s',
    CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
    AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    AUTH_ISSUER: 'http://127.0.0.1:9',
    AUTH_AUDIENCE: 'vault-backup-admin',
    ...overrides,
  };
}
