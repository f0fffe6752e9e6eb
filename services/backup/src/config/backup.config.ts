import { type Secret } from '@vault-backup/config';
import { parseEnv } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { type LogLevel } from '@vault-backup/observability';
import { type AdminConfig, loadAdminConfig } from '../admin/admin.config';
import { backupEnvSchema, type BackupEnv } from './backup-config.schema';

export interface BackupConfig {
  readonly admin: AdminConfig;
  readonly env: 'production' | 'development' | 'test';
  readonly logLevel: LogLevel;
  readonly http: { readonly host: string; readonly port: number };
  readonly shutdownTimeoutMs: number;
  readonly database: {
    readonly url: Secret;
    readonly poolSize: number;
    readonly statementTimeoutMs: number;
    readonly migrateOnStart: boolean;
    /** Longest wait for another migrator's advisory lock before start-up fails. */
    readonly migrationLockTimeoutMs: number;
  };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    readonly topics: readonly string[];
    readonly dlqTopic: string;
    readonly fromBeginning: boolean;
    readonly ssl: boolean;
    readonly sasl?: {
      mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
      username: string;
      password: Secret;
    };
    readonly sessionTimeoutMs: number;
    readonly heartbeatIntervalMs: number;
    readonly rebalanceTimeoutMs: number;
    readonly partitionsConcurrency: number;
    readonly maxBytesPerPartition: number;
    readonly maxWaitMs: number;
    readonly ensureTopics: boolean;
    readonly topicPartitions: number;
  };
  readonly pipeline: {
    readonly tenantMaxInFlight: number;
    readonly maxInFlight: number;
    readonly retryPollIntervalMs: number;
    readonly retryBaseDelayMs: number;
    readonly retryMaxDelayMs: number;
    readonly retryMaxPerRound: number;
    readonly workspaceCacheTtlMs: number;
    readonly writeLeaseMs: number;
    readonly slowWriteParkAfterMs: number;
    readonly slowWriteParkMinMs: number;
    /** How long an account is left alone after a write to it got no answer (it may still land). */
    readonly abandonedWriteSettleMs: number;
    /** A partition with lag (or paused) that has not committed for this long makes the service unready. */
    readonly stallAfterMs: number;
    /** How long an unexpected pipeline error may stay unresolved before the process exits to be restarted. */
    readonly fatalAfterMs: number;
  };
  readonly cyberark: {
    readonly requestTimeoutMs: number;
    readonly retries: number;
    readonly maxRetryTimeMs: number;
    /** Longest one write can take, token request and retries included: what write leases must cover. */
    readonly writeDeadlineMs: number;
    readonly breaker: {
      readonly errorThresholdPercentage: number;
      readonly volumeThreshold: number;
      readonly resetTimeoutMs: number;
    };
  };
  readonly crypto: {
    /**
     * `kid:base64(32 bytes)` entries, comma-separated: the service key that wraps data keys (the first
     * wraps, all unwrap), and the keys of tokens written before envelope encryption (still decrypted).
     */
    readonly dataEncryptionKeys: Secret;
    /** The envelope cipher's data keys (see EnvelopeDataCipherOptions). */
    readonly dataKeys: {
      /** How long an unwrapped data key is cached: how long a revoked workspace key keeps working here. */
      readonly cacheTtlMs: number;
      readonly cacheMaxKeys: number;
      /** How long one data key encrypts a scope's data in one process. */
      readonly maxAgeMs: number;
    };
    /** base64 of at least 32 bytes: the HMAC key of field fingerprints. */
    readonly fingerprintKey: Secret;
    /** Development only: a JSON file `{ "<kid>": "<PEM private key>" }` standing in for Key Vault. */
    readonly localUnwrapKeysFile?: string;
  };
  /** Azure Key Vault: the workspaces' own keys, and optionally the service key. */
  readonly keyVault: {
    readonly requestTimeoutMs: number;
    /** Entra ID authority override (simulators); by default the authority of the vault's cloud. */
    readonly authorityHost?: string;
    /** A PEM file of a CA trusted besides the system roots for Key Vault and Entra ID (simulators). */
    readonly extraCaFile?: string;
    /** Demo and tests: vaults on loopback addresses. */
    readonly allowInsecureLoopback: boolean;
    /** Demo and tests: vault hosts (`<vault>.vault.azure.net`) connect to the simulator's front door here. */
    readonly vaultConnectTo?: { readonly host: string; readonly port: number };
    /** Unwrapped content keys of event secrets, per workspace: how long, how many. */
    readonly contentKeyCacheTtlMs: number;
    readonly contentKeyCacheMax: number;
    /** The service key in Key Vault (workload identity); unset: the DATA_ENCRYPTION_KEYS ring wraps data keys. */
    readonly serviceKey?: { readonly vaultUrl: string; readonly keyName: string };
  };
}

export const BACKUP_CONFIG = Symbol('BACKUP_CONFIG');

/** Parses and validates the environment once, at start-up, into the typed configuration. */
export function loadBackupConfig(env: Record<string, string | undefined> = process.env): BackupConfig {
  const problems: string[] = [];
  const service = collect(problems, () => toConfig(parseEnv(backupEnvSchema, env)));
  const admin = collect(problems, () => loadAdminConfig(env));
  if (service && admin) problems.push(...simulatorSwitchesInProduction(service, admin));
  if (!service || !admin || problems.length > 0) throw new ConfigurationError(problems);
  return { ...service, admin };
}

/**
 * Settings that exist only to reach the simulators (plain http or a redirected connection on
 * loopback, a foreign token authority): with NODE_ENV=production each is a configuration error, so
 * a demo or test flag left in a deployment stops the start instead of weakening it. The Helm chart
 * refuses CYBERARK_ALLOW_INSECURE_LOOPBACK as well. KEY_VAULT_EXTRA_CA_FILE stays allowed: a corporate
 * CA in front of Azure is a production need.
 */
export function simulatorSwitchesInProduction(
  service: Pick<BackupConfig, 'env' | 'keyVault'>,
  admin: Pick<AdminConfig, 'tenantUrls'>,
): string[] {
  if (service.env !== 'production') return [];
  const onlyOutside = 'is for simulators (demo, tests) and is refused with NODE_ENV=production';
  return [
    admin.tenantUrls.allowInsecureLoopback ? `CYBERARK_ALLOW_INSECURE_LOOPBACK=true ${onlyOutside}` : '',
    service.keyVault.allowInsecureLoopback ? `KEY_VAULT_ALLOW_INSECURE_LOOPBACK=true ${onlyOutside}` : '',
    service.keyVault.vaultConnectTo ? `KEY_VAULT_CONNECT_TO ${onlyOutside}` : '',
    service.keyVault.authorityHost ? `KEY_VAULT_AUTHORITY_HOST ${onlyOutside}` : '',
  ].filter((problem) => problem !== '');
}

/** Runs one parser, keeping its problems so that every invalid variable is reported at once. */
function collect<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function toConfig(env: BackupEnv): Omit<BackupConfig, 'admin'> {
  if (env.KAFKA_HEARTBEAT_INTERVAL * 3 > env.KAFKA_SESSION_TIMEOUT) {
    throw new ConfigurationError([
      'KAFKA_HEARTBEAT_INTERVAL must be at most a third of KAFKA_SESSION_TIMEOUT',
    ]);
  }
  checkLease(env);
  checkStallAfter(env);
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
      migrationLockTimeoutMs: env.DATABASE_MIGRATION_LOCK_TIMEOUT,
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
    pipeline: {
      tenantMaxInFlight: env.BACKUP_TENANT_MAX_IN_FLIGHT,
      maxInFlight: env.BACKUP_MAX_IN_FLIGHT,
      retryPollIntervalMs: env.BACKUP_RETRY_POLL_INTERVAL,
      retryBaseDelayMs: env.BACKUP_RETRY_BASE_DELAY,
      retryMaxDelayMs: env.BACKUP_RETRY_MAX_DELAY,
      retryMaxPerRound: env.BACKUP_RETRY_MAX_PER_ROUND,
      workspaceCacheTtlMs: env.BACKUP_WORKSPACE_CACHE_TTL,
      writeLeaseMs: env.BACKUP_WRITE_LEASE,
      slowWriteParkAfterMs: env.BACKUP_SLOW_WRITE_PARK_AFTER,
      slowWriteParkMinMs: env.BACKUP_SLOW_WRITE_PARK_MIN,
      abandonedWriteSettleMs: env.BACKUP_ABANDONED_WRITE_SETTLE,
      stallAfterMs: env.BACKUP_STALL_AFTER,
      fatalAfterMs: env.BACKUP_FATAL_AFTER,
    },
    cyberark: {
      requestTimeoutMs: env.CYBERARK_REQUEST_TIMEOUT,
      retries: env.CYBERARK_RETRIES,
      maxRetryTimeMs: env.CYBERARK_MAX_RETRY_TIME,
      writeDeadlineMs: writeDeadlineMs(env),
      breaker: {
        errorThresholdPercentage: env.CYBERARK_BREAKER_ERROR_PERCENT,
        volumeThreshold: env.CYBERARK_BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: env.CYBERARK_BREAKER_RESET_TIMEOUT,
      },
    },
    crypto: {
      dataEncryptionKeys: env.DATA_ENCRYPTION_KEYS,
      dataKeys: {
        cacheTtlMs: env.DATA_KEY_CACHE_TTL,
        cacheMaxKeys: env.DATA_KEY_CACHE_MAX,
        maxAgeMs: env.DATA_KEY_MAX_AGE,
      },
      fingerprintKey: env.FINGERPRINT_KEY,
      ...(env.LOCAL_UNWRAP_KEYS_FILE ? { localUnwrapKeysFile: env.LOCAL_UNWRAP_KEYS_FILE } : {}),
    },
    keyVault: {
      requestTimeoutMs: env.KEY_VAULT_REQUEST_TIMEOUT,
      ...(env.KEY_VAULT_AUTHORITY_HOST ? { authorityHost: env.KEY_VAULT_AUTHORITY_HOST } : {}),
      ...(env.KEY_VAULT_EXTRA_CA_FILE ? { extraCaFile: env.KEY_VAULT_EXTRA_CA_FILE } : {}),
      allowInsecureLoopback: env.KEY_VAULT_ALLOW_INSECURE_LOOPBACK,
      ...connectToOf(env),
      contentKeyCacheTtlMs: env.CONTENT_KEY_CACHE_TTL,
      contentKeyCacheMax: env.CONTENT_KEY_CACHE_MAX,
      ...serviceKeyOf(env),
    },
  };
}

function connectToOf(env: BackupEnv): { vaultConnectTo?: { host: string; port: number } } {
  if (env.KEY_VAULT_CONNECT_TO === undefined) return {};
  const [host, port] = env.KEY_VAULT_CONNECT_TO.split(':');
  return { vaultConnectTo: { host: host, port: Number(port) } };
}

/** Both or neither: a vault without a key name (or the reverse) is a typo, not a choice. */
function serviceKeyOf(env: BackupEnv): { serviceKey?: { vaultUrl: string; keyName: string } } {
  const { SERVICE_KEY_VAULT_URL: vaultUrl, SERVICE_KEY_NAME: keyName } = env;
  if (vaultUrl === undefined && keyName === undefined) return {};
  if (vaultUrl === undefined || keyName === undefined)
    throw new ConfigurationError(['SERVICE_KEY_VAULT_URL and SERVICE_KEY_NAME must be set together']);
  return { serviceKey: { vaultUrl, keyName } };
}

/** A token request, then attempts bounded by the retry budget, the last of which may take a full timeout. */
function writeDeadlineMs(env: BackupEnv): number {
  return 2 * env.CYBERARK_REQUEST_TIMEOUT + env.CYBERARK_MAX_RETRY_TIME + 1_000;
}

function checkLease(env: BackupEnv): void {
  if (env.BACKUP_WRITE_LEASE <= writeDeadlineMs(env) + env.BACKUP_SLOW_WRITE_PARK_AFTER) {
    throw new ConfigurationError([
      `BACKUP_WRITE_LEASE must exceed 2 × CYBERARK_REQUEST_TIMEOUT + CYBERARK_MAX_RETRY_TIME + 1s + BACKUP_SLOW_WRITE_PARK_AFTER (${
        writeDeadlineMs(env) + env.BACKUP_SLOW_WRITE_PARK_AFTER
      } ms): a write must always finish inside its lease`,
    ]);
  }
}

/** A healthy batch may wait this long for CyberArk before parking; that is slowness, not a stall. */
function checkStallAfter(env: BackupEnv): void {
  if (env.BACKUP_STALL_AFTER <= env.BACKUP_SLOW_WRITE_PARK_AFTER + env.KAFKA_MAX_WAIT) {
    throw new ConfigurationError([
      'BACKUP_STALL_AFTER must exceed BACKUP_SLOW_WRITE_PARK_AFTER + KAFKA_MAX_WAIT: a healthy batch would look stalled',
    ]);
  }
}

function saslSettings(env: BackupEnv): Pick<BackupConfig['kafka'], 'sasl'> {
  if (!env.KAFKA_SASL_MECHANISM) return {};
  if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
    throw new ConfigurationError([
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM',
    ]);
  }
  return {
    sasl: {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    },
  };
}
