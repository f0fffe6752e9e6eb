import { randomBytes } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { type Kafka, type Producer } from 'kafkajs';
import { LocalDataCipher, parseKeyRing } from '@vault-backup/crypto';
import {
  type AccountEventData,
  buildAccountEventRecord,
  type ContentMode,
} from '@vault-backup/event-contract';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import {
  BACKUP_SAFE_PERMISSIONS,
  createTestDatabase,
  createTopics,
  requireBrokers,
  type SimulatorAccount,
  type SimulatorProcess,
  startSimulatorProcess,
  type TestDatabase,
  testKafka,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { startBackupService } from '../../../src/bootstrap';
import { type BackupConfig, loadBackupConfig } from '../../../src/config/backup.config';
import { BACKUP_PLATFORM_PROPERTIES } from '../../../src/pipeline/mapping/backup-properties';

export const SAFE = 'VaultBackupSafe';
export const PLATFORM = 'VaultBackupPlatform';

export interface WorkspaceOptions {
  readonly allowPlaintextSecrets?: boolean;
  readonly metadataOnly?: boolean;
  readonly retryBudgetSeconds?: number;
  readonly platformOptional?: readonly string[];
}

export interface HarnessOptions {
  readonly partitions?: number;
  readonly env?: Record<string, string>;
}

/**
 * The whole backup service in this process, against the real local Kafka and PostgreSQL and a
 * CyberArk simulator child process. Each harness has its own database, topics and consumer group,
 * so test files never see each other's data.
 */
export class BackupE2eHarness {
  app: INestApplication | undefined;
  private producer: Producer | undefined;

  private constructor(
    readonly simulator: SimulatorProcess,
    readonly database: TestDatabase,
    readonly kafka: Kafka,
    readonly topics: { created: string; updated: string; dlq: string },
    readonly env: Record<string, string>,
    readonly cipher: LocalDataCipher,
  ) {}

  static async create(options: HarnessOptions = {}): Promise<BackupE2eHarness> {
    const [simulator, database] = await Promise.all([startSimulatorProcess(), createTestDatabase()]);
    const kafka = testKafka();
    const topics = {
      created: uniqueName('e2e-created'),
      updated: uniqueName('e2e-updated'),
      dlq: uniqueName('e2e-dlq'),
    };
    // Room for records just over the contract's 1 MiB limit, so tests can send them and see them rejected.
    await createTopics(kafka, Object.values(topics), options.partitions ?? 3, [
      { name: 'max.message.bytes', value: '4194304' },
    ]);
    const keyRing = `e2e:${randomBytes(32).toString('base64')}`;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '10',
      KAFKA_BROKERS: requireBrokers().join(','),
      KAFKA_CLIENT_ID: uniqueName('e2e'),
      KAFKA_GROUP_ID: uniqueName('e2e-group'),
      KAFKA_TOPICS: `${topics.created},${topics.updated}`,
      KAFKA_DLQ_TOPIC: topics.dlq,
      KAFKA_SESSION_TIMEOUT: '10s',
      KAFKA_HEARTBEAT_INTERVAL: '1s',
      KAFKA_REBALANCE_TIMEOUT: '10s',
      KAFKA_MAX_WAIT: '100ms',
      DATA_ENCRYPTION_KEYS: keyRing,
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
      // Admin API keys are fetched only on an admin call; these e2e tests make none.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      AUTH_ISSUER: 'http://127.0.0.1:9',
      AUTH_AUDIENCE: 'vault-backup-admin',
      ...options.env,
    };
    return new BackupE2eHarness(
      simulator,
      database,
      kafka,
      topics,
      env,
      new LocalDataCipher(parseKeyRing(keyRing)),
    );
  }

  config(): BackupConfig {
    return loadBackupConfig(this.env);
  }

  async startService(): Promise<INestApplication> {
    this.app = await startBackupService(this.config());
    return this.app;
  }

  async stopService(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  baseUrl(): string {
    const server = this.app?.getHttpServer() as import('node:http').Server;
    const address = server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  /** A simulator tenant with a service account, the backup safe and a platform with the ten properties. */
  async createTenant(
    tenant: string,
    options: WorkspaceOptions = {},
  ): Promise<{ clientId: string; clientSecret: string }> {
    const control = this.simulator.control;
    const clientId = `svc-${tenant}@cyberark.cloud.1`;
    const clientSecret = randomBytes(12).toString('hex');
    await control.putTenant(tenant);
    await control.putServiceAccount(tenant, clientId, { clientSecret });
    await control.putPlatform(tenant, PLATFORM, {
      active: true,
      optional: [...(options.platformOptional ?? BACKUP_PLATFORM_PROPERTIES)],
    });
    await control.putSafe(tenant, SAFE, {
      members: [{ memberName: clientId, permissions: BACKUP_SAFE_PERMISSIONS }],
    });
    return { clientId, clientSecret };
  }

  /** An enabled backup configuration, written as the admin API would write it (secret encrypted). */
  async enableWorkspace(workspaceId: string, tenant: string, options: WorkspaceOptions = {}): Promise<void> {
    const { clientId, clientSecret } = await this.createTenant(tenant, options);
    await this.database.dataSource.query(
      `INSERT INTO backup_configuration
              (workspace_id, status, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
               platform_id, allow_plaintext_secrets, metadata_only, retry_budget_seconds, validated_at, enabled_at)
       VALUES ($1, 'enabled', $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())`,
      [
        workspaceId,
        this.simulator.identityUrl(tenant),
        this.simulator.pcloudUrl(tenant),
        clientId,
        await this.cipher.encrypt(clientSecret, CLIENT_SECRET_CIPHER_CONTEXT),
        SAFE,
        PLATFORM,
        options.allowPlaintextSecrets ?? true,
        options.metadataOnly ?? false,
        options.retryBudgetSeconds ?? 86_400,
      ],
    );
  }

  /** Emits account events through the contract's own record builder (so they are valid by construction). */
  async emit(
    events: AccountEventData | AccountEventData[],
    options: { mode?: ContentMode; id?: string } = {},
  ): Promise<void> {
    const producer = await this.rawProducer();
    for (const data of Array.isArray(events) ? events : [events]) {
      const created = data.version === 1;
      const { message } = buildAccountEventRecord(
        {
          type: created ? 'account.created.v1' : 'account.updated.v1',
          source: '/e2e',
          data,
          ...(options.id ? { id: options.id } : {}),
        },
        { mode: options.mode ?? 'binary' },
      );
      await producer.send({
        topic: created ? this.topics.created : this.topics.updated,
        messages: [message],
      });
    }
  }

  /** Sends raw bytes (poison records) to the updated-accounts topic. */
  async sendRaw(
    messages: { key: string | null; value: string | Buffer | null; headers?: Record<string, string> }[],
  ): Promise<void> {
    const producer = await this.rawProducer();
    await producer.send({ topic: this.topics.updated, messages });
  }

  async accounts(tenant: string): Promise<SimulatorAccount[]> {
    return this.simulator.control.listAccounts(tenant, { safeName: SAFE });
  }

  async waitForAccount(
    tenant: string,
    predicate: (account: SimulatorAccount) => boolean,
    description: string,
    timeoutMs = 30_000,
  ): Promise<SimulatorAccount> {
    return waitFor(async () => (await this.accounts(tenant)).find(predicate), { timeoutMs, description });
  }

  async close(): Promise<void> {
    await this.stopService();
    await this.producer?.disconnect();
    await Promise.allSettled([this.simulator.stop(), this.database.drop()]);
  }

  private async rawProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    return this.producer;
  }
}
