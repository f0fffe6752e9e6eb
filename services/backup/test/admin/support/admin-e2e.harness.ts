import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { type Message, type Producer } from 'kafkajs';
import { type DataCipher } from '@vault-backup/crypto';
import { type AccountEventData, buildAccountEventRecord } from '@vault-backup/event-contract';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import {
  createTestDatabase,
  createTopics,
  type SimulatorProcess,
  startSimulatorProcess,
  type TestDatabase,
  testKafka,
  uniqueName,
} from '@vault-backup/testing';
import {
  type InProcessIssuer,
  type MintOptions,
  startInProcessIssuer,
  type TokenClaims,
} from '../../../../../libs/testing/src/local-issuer/local-issuer';
import { loadAdminConfig } from '../../../src/admin/admin.config';
import { AdminModule } from '../../../src/admin/admin.module';
import { authenticateBeforeParsing, HTTP_APP_OPTIONS } from '../../../src/admin/auth/authenticate-first';
import { setupOpenApiUi } from '../../../src/admin/openapi/openapi-ui';
import { AppModule } from '../../../src/app.module';
import { BACKUP_CONFIG, loadBackupConfig } from '../../../src/config/backup.config';
import { CYBERARK_CLIENT_FACTORY } from '../../../src/cyberark/cyberark.tokens';
import { METRICS_REGISTRY } from '../../../src/metrics/metrics.tokens';
import { TENANT_URL_POLICY } from '../../../src/admin/admin.tokens';
import { LoggingModule } from '../../../src/logging/logging.module';
import { CipherRecordSealer } from '../../../src/pipeline/adapters/record-sealer.adapter';
import { PipelineModule } from '../../../src/pipeline/pipeline.module';
import { RECORD_SEALER } from '../../../src/pipeline/ports/record-sealer.port';
import { WORKSPACE_TARGETS } from '../../../src/pipeline/ports/workspace-targets.port';
import { KafkaBatchTransport } from '../../../src/pipeline/transport/kafka-batch.transport';
import { guardedClientFactory } from './guarded-client.factory';
import { expectStatus, type HttpResult } from './http-result';
import { LogCaptureModule, LogSink } from './log-capture.module';
import {
  createSimulatorTenant,
  PLATFORM,
  SAFE,
  type TenantFixture,
  type TenantOptions,
} from '../../support/simulator-tenants';
import { serviceCipher } from '../../support/service-cipher';
import { serviceTestEnv } from '../../support/service-test.env';
import { pipelinePortsModule, PipelinePorts } from './pipeline-ports.bridge';

export const AUDIENCE = 'vault-backup-admin';

/** Where inserted failures' source positions start: beyond any offset a test topic reaches. */
const FAILURE_OFFSETS_FROM = 1_000_000_000;

/** A platform property CyberArk does not know: permanent, fixed by adding the property. */
export const INVALID_PROPERTY = {
  errorClass: 'invalid-property',
  code: 'PASWS167E',
  message:
    'POST Accounts failed with HTTP 400 PASWS167E: Property [totpSecret] is not defined for platform [VaultBackupPlatform].',
};

/**
 * The admin API end to end: the backup service (AppModule + AdminModule, real PostgreSQL, Kafka
 * and consumer) in this process with its logs captured, a CyberArk simulator child process and an
 * in-process token issuer. Each harness has its own database, topics and consumer group.
 */
export class AdminE2eHarness {
  app: INestApplication | undefined;
  readonly logs = new LogSink();
  private failureOffset = 0;
  readonly topics: { created: string; updated: string; dlq: string };
  readonly cipher: DataCipher;
  private baseUrl = '';
  private producer: Producer | undefined;

  private constructor(
    readonly simulator: SimulatorProcess,
    readonly database: TestDatabase,
    readonly issuer: InProcessIssuer,
    readonly env: Record<string, string>,
    topics: { created: string; updated: string; dlq: string },
  ) {
    this.topics = topics;
    this.cipher = serviceCipher(database.dataSource, env.DATA_ENCRYPTION_KEYS);
  }

  static async create(options: { env?: Record<string, string> } = {}): Promise<AdminE2eHarness> {
    const [simulator, database, issuer] = await Promise.all([
      startSimulatorProcess(),
      createTestDatabase(),
      startInProcessIssuer({ audience: AUDIENCE }),
    ]);
    const topics = {
      created: uniqueName('adm-created'),
      updated: uniqueName('adm-updated'),
      dlq: uniqueName('adm-dlq'),
    };
    await createTopics(testKafka(), Object.values(topics), 2);
    const env = serviceTestEnv(
      { databaseUrl: database.url, topics, prefix: 'adm' },
      {
        LOG_LEVEL: 'debug',
        BACKUP_WORKSPACE_CACHE_TTL: '60s',
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: AUDIENCE,
        ...options.env,
      },
    );
    return new AdminE2eHarness(simulator, database, issuer, env, topics);
  }

  /**
   * The service as startBackupService() composes it (AppModule, HTTP + Kafka consumer), with two
   * test seams: logs go to `this.logs`, and AdminModule is added while AppModule does not import
   * it yet (once it does, AppModule alone is used, so the routes are never registered twice).
   */
  async start(): Promise<void> {
    const config = loadBackupConfig(this.env);
    const ports = new PipelinePorts();
    const app = AppModule.forRoot(config);
    const adminWired = (app.imports ?? []).some(
      (entry) => entry === AdminModule || (entry as DynamicModule).module === AdminModule,
    );
    const admin = AdminModule.forRoot({
      config: loadAdminConfig(this.env),
      imports: [pipelinePortsModule(ports)],
    });
    @Module({ imports: adminWired ? [app] : [app, admin] })
    class AdminE2eRootModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AdminE2eRootModule] })
      // What the lead is asked to wire in CyberArkModule: the pipeline's clients apply the tenant URL policy too.
      .overrideProvider(CYBERARK_CLIENT_FACTORY)
      .useFactory({
        inject: [BACKUP_CONFIG, METRICS_REGISTRY, TENANT_URL_POLICY],
        factory: guardedClientFactory,
      })
      .overrideModule(LoggingModule)
      .useModule(LogCaptureModule.forRoot(this.logs, config.logLevel))
      .compile();
    ports.targets = moduleRef.select(PipelineModule).get(WORKSPACE_TARGETS, { strict: true });
    ports.sealer = moduleRef.select(PipelineModule).get(RECORD_SEALER, { strict: true });
    const service = moduleRef.createNestApplication<NestExpressApplication>({
      ...HTTP_APP_OPTIONS,
      bufferLogs: true,
      abortOnError: false,
    });
    service.useLogger(service.get(Logger));
    authenticateBeforeParsing(service);
    service.connectMicroservice({ strategy: service.get(KafkaBatchTransport) }, { inheritAppConfig: true });
    await setupOpenApiUi(service);
    await service.listen(0, '127.0.0.1');
    await service.startAllMicroservices();
    this.app = service;
    const server = service.getHttpServer() as { address(): { port: number } };
    this.baseUrl = `http://127.0.0.1:${server.address().port}`;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  token(claims: TokenClaims, options?: MintOptions): Promise<string> {
    return this.issuer.mint(claims, options);
  }

  /** A token for a workspace role (the usual case). */
  tokenFor(workspaceId: string, role = 'admin', sub = `user-${role}`): Promise<string> {
    return this.issuer.mint({ sub, role, workspace_id: workspaceId });
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.rawBody !== undefined)
      headers['content-type'] ??= 'application/json';
    const response = await fetch(this.url(path), {
      method,
      headers,
      ...(options.rawBody !== undefined
        ? { body: options.rawBody }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /** A simulator tenant with a service user, the backup Safe and a platform (all configurable). */
  createTenant(options: TenantOptions = {}): Promise<TenantFixture> {
    return createSimulatorTenant(this.simulator, options);
  }

  /** Steps 1-3 through the API; returns the tenant. */
  async setUpEnabledBackup(workspaceId: string, options: TenantOptions = {}): Promise<TenantFixture> {
    const tenant = await this.createTenant(options);
    const token = await this.tokenFor(workspaceId, 'owner');
    const base = `/api/v1/workspaces/${workspaceId}/vault-backup`;
    expectStatus(await this.request('PUT', `${base}/connection`, { token, body: tenant.connection }), 200);
    expectStatus(
      await this.request('PUT', `${base}/targets`, { token, body: { safeName: SAFE, platformId: PLATFORM } }),
      200,
    );
    expectStatus(await this.request('POST', `${base}/enable`, { token }), 200);
    return tenant;
  }

  /** An enabled configuration written straight to the database, bypassing the API's URL checks. */
  async insertEnabledConfiguration(
    workspaceId: string,
    urls: { identityUrl: string; privilegeCloudUrl: string },
  ): Promise<void> {
    await this.database.dataSource.query(
      `INSERT INTO backup_configuration
              (workspace_id, status, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
               platform_id, allow_plaintext_secrets, validated_at, enabled_at)
       VALUES ($1, 'enabled', $2, $3, 'svc@cyberark.cloud.1', $4, $5, $6, true, now(), now())`,
      [
        workspaceId,
        urls.identityUrl,
        urls.privilegeCloudUrl,
        await this.cipher.encrypt('irrelevant-secret', CLIENT_SECRET_CIPHER_CONTEXT, workspaceId),
        SAFE,
        PLATFORM,
      ],
    );
  }

  /** A failure row as the pipeline writes it, with the original record sealed for `backup-failure`. */
  async insertFailure(
    workspaceId: string,
    record: ConsumedRecord,
    overrides: { status?: string } = {},
  ): Promise<string> {
    const ciphertext = await new CipherRecordSealer(this.cipher).seal(record, 'backup-failure', workspaceId);
    const [row] = await this.database.dataSource.query<{ id: string }[]>(
      `INSERT INTO backup_failure (workspace_id, account_id, version, event_id, source_topic, source_partition, source_offset,
                                   error_class, error_code, error_message, attempts, record_ciphertext, dlq_topic, status)
       VALUES ($1, 'acc-x', 1, 'evt-x', $2, $3, $4, 'permission', 'PASWS041E', 'permission denied', 1, $5, $6, $7)
       RETURNING id`,
      [
        workspaceId,
        record.topic,
        record.partition,
        record.offset,
        ciphertext,
        this.topics.dlq,
        overrides.status ?? 'open',
      ],
    );
    return row.id;
  }

  /**
   * Failure rows as the pipeline writes them for account events that could not be backed up: each
   * holds the real event record (sealed), so a replay re-produces it to the topic the service
   * consumes. Positions are far beyond what the test topics reach. Returns the ids in order.
   */
  async insertAccountFailures(
    workspaceId: string,
    events: readonly AccountEventData[],
    failure: { errorClass: string; code: string; message: string } = INVALID_PROPERTY,
  ): Promise<string[]> {
    const sealer = new CipherRecordSealer(this.cipher);
    const rows = await Promise.all(
      events.map(async (data) => {
        const created = data.version === 1;
        const { message } = buildAccountEventRecord(
          { type: created ? 'account.created.v1' : 'account.updated.v1', source: '/admin-e2e', data },
          { mode: 'binary' },
        );
        const record: ConsumedRecord = {
          topic: created ? this.topics.created : this.topics.updated,
          partition: 0,
          offset: String(FAILURE_OFFSETS_FROM + this.failureOffset++),
          timestamp: String(Date.now()),
          key: Buffer.from(String(message.key)),
          value: Buffer.from(message.value as string | Buffer),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]),
          ),
        };
        return { data, record, ciphertext: await sealer.seal(record, 'backup-failure', workspaceId) };
      }),
    );
    const inserted = await this.database.dataSource.query<{ id: string; key: string }[]>(
      `INSERT INTO backup_failure (workspace_id, account_id, version, event_id, source_topic, source_partition, source_offset,
                                   error_class, error_code, error_message, attempts, record_ciphertext, dlq_topic, created_at)
       SELECT $1, r.account_id, r.version, r.event_id, r.topic, 0, r.source_offset, $2, $3, $4, 1, r.ciphertext, $5,
              clock_timestamp() + make_interval(secs => r.n / 1000.0)
         FROM unnest($6::varchar[], $7::bigint[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::int[])
           AS r(account_id, version, event_id, topic, source_offset, ciphertext, n)
       RETURNING id, account_id || ':' || version AS key`,
      [
        workspaceId,
        failure.errorClass,
        failure.code,
        failure.message,
        this.topics.dlq,
        rows.map((row) => row.data.accountId),
        rows.map((row) => row.data.version),
        rows.map((row) => `evt-${row.record.offset}`),
        rows.map((row) => row.record.topic),
        rows.map((row) => row.record.offset),
        rows.map((row) => row.ciphertext),
        rows.map((_, index) => index),
      ],
    );
    const ids = new Map(inserted.map((row) => [row.key, row.id]));
    return events.map((data) => String(ids.get(`${data.accountId}:${data.version}`)));
  }

  /** An account event as the workspace service emits it (created for version 1, updated after). */
  async emit(data: AccountEventData): Promise<void> {
    await this.emitMany([data]);
  }

  /** Account events in one send per topic, in order. */
  async emitMany(events: readonly AccountEventData[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const data of events) {
      const created = data.version === 1;
      const { message } = buildAccountEventRecord(
        { type: created ? 'account.created.v1' : 'account.updated.v1', source: '/admin-e2e', data },
        { mode: 'binary' },
      );
      const topic = created ? this.topics.created : this.topics.updated;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    }
    if (this.producer === undefined) {
      this.producer = testKafka().producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    for (const [topic, messages] of byTopic) await this.producer.send({ topic, messages });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.app?.close();
    await Promise.allSettled([this.simulator.stop(), this.database.drop(), this.issuer.stop()]);
  }
}

export { expectStatus, fieldsOf, type HttpResult, noticesOf } from './http-result';
export { PLATFORM, SAFE, type TenantFixture, type TenantOptions } from '../../support/simulator-tenants';
