import { randomBytes } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { type Kafka, type Producer } from 'kafkajs';
import { type DataCipher } from '@vault-backup/crypto';
import {
  type AccountEventData,
  buildAccountEventRecord,
  type ContentMode,
} from '@vault-backup/event-contract';
import {
  createTestDatabase,
  createTopics,
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
import { insertEnabledConfiguration } from '../../support/enabled-configuration';
import { serviceCipher } from '../../support/service-cipher';
import { serviceTestEnv } from '../../support/service-test.env';
import { createSimulatorTenant, SAFE } from '../../support/simulator-tenants';

export { PLATFORM, SAFE } from '../../support/simulator-tenants';

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
    readonly cipher: DataCipher,
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
    const env = serviceTestEnv(
      { databaseUrl: database.url, topics, prefix: 'e2e', dataEncryptionKeys: keyRing },
      options.env,
    );
    return new BackupE2eHarness(
      simulator,
      database,
      kafka,
      topics,
      env,
      serviceCipher(database.dataSource, keyRing),
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

  /** An enabled backup configuration on a new simulator tenant, written as the admin API would write it. */
  async enableWorkspace(workspaceId: string, tenant: string, options: WorkspaceOptions = {}): Promise<void> {
    const fixture = await createSimulatorTenant(this.simulator, {
      tenant,
      ...(options.platformOptional ? { optional: options.platformOptional } : {}),
    });
    await insertEnabledConfiguration(this.database.dataSource, this.cipher, {
      workspaceId,
      identityUrl: fixture.identityUrl,
      privilegeCloudUrl: fixture.pcloudUrl,
      clientId: fixture.clientId,
      clientSecret: fixture.clientSecret,
      ...options,
    });
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
