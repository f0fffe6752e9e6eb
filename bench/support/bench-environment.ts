import { randomBytes } from 'node:crypto';
import { type Kafka, type Message } from 'kafkajs';
import { LocalDataCipher, parseKeyRing } from '@vault-backup/crypto';
import { type AccountEventData, buildAccountEventRecord } from '@vault-backup/event-contract';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import {
  BACKUP_SAFE_PERMISSIONS,
  createTestDatabase,
  type SimulatorProcess,
  startSimulatorProcess,
  type TestDatabase,
  testKafka,
  uniqueName,
} from '@vault-backup/testing';
import { BACKUP_PLATFORM_PROPERTIES } from '../../services/backup/src/pipeline/mapping/backup-properties';

export const BENCH_SAFE = 'VaultBackupSafe';
export const BENCH_PLATFORM = 'VaultBackupPlatform';
/** Application name of the bench's own PostgreSQL connections (createTestDatabase's pool). */
const BENCH_DB_APPLICATION = 'vault-backup-test';

export interface BenchTenant {
  readonly tenant: string;
  readonly workspaceId: string;
  readonly simulator: SimulatorProcess;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly identityUrl: string;
  readonly privilegeCloudUrl: string;
}

export interface EnvironmentOptions {
  /** Short name used in topic, tenant and workspace names (`cpu`, `latency`, `naive`). */
  readonly label: string;
  readonly tenants: number;
  readonly partitions: number;
  readonly simulators: number;
  /** Fixed latency every simulator request of every tenant gets (0: none). */
  readonly latencyMs: number;
}

export interface ProducedEvents {
  readonly events: number;
  readonly accounts: number;
  /** Version every account ends at; the run is done when every state row carries it. */
  readonly finalVersion: number;
  readonly seconds: number;
}

/**
 * Everything one scenario needs, isolated from every other run: its own database (real
 * migrations), topics, simulator process(es), tenants with the backup Safe and platform, and
 * enabled backup configurations written the way the admin API writes them (secret encrypted).
 */
export class BenchEnvironment {
  private constructor(
    readonly options: EnvironmentOptions,
    readonly database: TestDatabase,
    readonly kafka: Kafka,
    readonly topics: { readonly created: string; readonly updated: string; readonly dlq: string },
    readonly simulators: readonly SimulatorProcess[],
    readonly tenants: readonly BenchTenant[],
    readonly keyRing: string,
  ) {}

  static async create(options: EnvironmentOptions): Promise<BenchEnvironment> {
    const [simulators, database] = await Promise.all([
      Promise.all(
        Array.from({ length: options.simulators }, () =>
          startSimulatorProcess({ ccp: false, logLevel: 'warn' }),
        ),
      ),
      createTestDatabase(),
    ]);
    const kafka = testKafka();
    const topics = {
      created: uniqueName(`bench-${options.label}-created`),
      updated: uniqueName(`bench-${options.label}-updated`),
      dlq: uniqueName(`bench-${options.label}-dlq`),
    };
    await createTopicsAndWait(kafka, [
      { topic: topics.created, numPartitions: options.partitions },
      { topic: topics.updated, numPartitions: options.partitions },
      { topic: topics.dlq, numPartitions: 1 },
    ]);
    const keyRing = `bench:${randomBytes(32).toString('base64')}`;
    const cipher = new LocalDataCipher(parseKeyRing(keyRing));
    const suffix = randomBytes(3).toString('hex');
    const tenants: BenchTenant[] = [];
    for (let index = 0; index < options.tenants; index++) {
      const simulator = simulators[index % simulators.length];
      const tenant = await createTenant(
        simulator,
        `bench-${options.label}-${suffix}-t${index}`,
        options.latencyMs,
      );
      const workspaceId = `ws-${options.label}-${suffix}-${index}`;
      await database.dataSource.query(
        `INSERT INTO backup_configuration
                (workspace_id, status, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
                 platform_id, allow_plaintext_secrets, metadata_only, retry_budget_seconds, validated_at, enabled_at)
         VALUES ($1, 'enabled', $2, $3, $4, $5, $6, $7, true, false, 86400, now(), now())`,
        [
          workspaceId,
          tenant.identityUrl,
          tenant.privilegeCloudUrl,
          tenant.clientId,
          await cipher.encrypt(tenant.clientSecret, CLIENT_SECRET_CIPHER_CONTEXT),
          BENCH_SAFE,
          BENCH_PLATFORM,
        ],
      );
      tenants.push({ ...tenant, workspaceId });
    }
    return new BenchEnvironment(options, database, kafka, topics, simulators, tenants, keyRing);
  }

  /**
   * Produces one create per account, then `updates` updates per account that each change one
   * property (the label), before any consumer starts: consumption is measured, not production.
   */
  async produce(accounts: number, updates: number): Promise<ProducedEvents> {
    const started = performance.now();
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const send = async (topic: string, version: number): Promise<void> => {
        const chunk = 2_000;
        const inFlight: Promise<unknown>[] = [];
        for (let first = 0; first < accounts; first += chunk) {
          const messages: Message[] = [];
          for (let index = first; index < Math.min(accounts, first + chunk); index++) {
            messages.push(this.eventMessage(index, version));
          }
          inFlight.push(sendWithRetry(() => producer.send({ topic, messages, acks: -1 })));
          if (inFlight.length >= 4) await Promise.all(inFlight.splice(0));
        }
        await Promise.all(inFlight);
      };
      await send(this.topics.created, 1);
      for (let version = 2; version <= updates + 1; version++) await send(this.topics.updated, version);
    } finally {
      await producer.disconnect();
    }
    return {
      events: accounts * (updates + 1),
      accounts,
      finalVersion: updates + 1,
      seconds: (performance.now() - started) / 1_000,
    };
  }

  /** The workspace of the account with this index (accounts are spread round-robin over tenants). */
  tenantOf(accountIndex: number): BenchTenant {
    return this.tenants[accountIndex % this.tenants.length];
  }

  /** Accounts whose backup state has reached `version` in `table`. */
  async appliedCount(version: number, table = 'account_backup_state'): Promise<number> {
    const [row] = await this.database.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE applied_version >= $1`,
      [version],
    );
    return row?.n ?? 0;
  }

  /** Where the accounts stand relative to `version` (service state tables). */
  async stateBreakdown(
    accounts: number,
    version: number,
  ): Promise<{ final: number; behind: number; missing: number; parked: number }> {
    const [row] = await this.database.dataSource.query<{ final: number; behind: number }[]>(
      `SELECT count(*) FILTER (WHERE applied_version >= $1)::int AS final,
              count(*) FILTER (WHERE applied_version < $1)::int AS behind
         FROM account_backup_state`,
      [version],
    );
    const final = row?.final ?? 0;
    const behind = row?.behind ?? 0;
    return { final, behind, missing: accounts - final - behind, parked: await this.pendingCount() };
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.database.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pending_backup`,
    );
    return row?.n ?? 0;
  }

  /** Server processes serving this database for someone other than the bench itself. */
  async databaseBackendPids(): Promise<number[]> {
    const rows = await this.database.dataSource.query<{ pid: number }[]>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1`,
      [BENCH_DB_APPLICATION],
    );
    return rows.map((row) => row.pid);
  }

  async close(options: { keepDatabase?: boolean } = {}): Promise<void> {
    const admin = this.kafka.admin();
    if (options.keepDatabase) console.log(`   kept database ${this.database.url}`);
    await Promise.allSettled([
      ...this.simulators.map((simulator) => simulator.stop()),
      options.keepDatabase ? this.database.dataSource.destroy() : this.database.drop(),
      (async () => {
        await admin.connect();
        try {
          await admin.deleteTopics({ topics: Object.values(this.topics) });
        } finally {
          await admin.disconnect();
        }
      })(),
    ]);
  }

  private eventMessage(index: number, version: number): Message {
    const tenant = this.tenantOf(index);
    const { message } = buildAccountEventRecord(
      {
        type: version === 1 ? 'account.created.v1' : 'account.updated.v1',
        source: '/bench',
        data: eventData(tenant.workspaceId, index, version),
      },
      { mode: 'binary' },
    );
    return message;
  }
}

/** kafkajs gives up on a topic whose metadata the broker has not caught up with yet; try again a few times. */
async function sendWithRetry<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/**
 * Creates the topics, then waits until the broker's metadata lists every partition with a leader.
 * (kafkajs' own `waitForLeaders` gives up with "This server does not host this topic-partition"
 * when a busy broker has not caught up yet.)
 */
async function createTopicsAndWait(
  kafka: Kafka,
  specs: readonly { topic: string; numPartitions: number }[],
): Promise<void> {
  const topics = specs.map((spec) => spec.topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: specs.map((spec) => ({ ...spec, replicationFactor: 1 })),
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
        const ready = metadata.topics.every(
          (topic) =>
            topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
        );
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

export function eventData(workspaceId: string, index: number, version: number): AccountEventData {
  return {
    workspaceId,
    accountId: `acc-${index}`,
    version,
    provider: 'github',
    // The only field an update changes: one PATCH of one property per update.
    label: `label v${version}`,
    url: 'https://github.com/login',
    username: `user-${index}`,
    email: `user-${index}@example.com`,
    secrets: {
      password: `pw-${index}`,
      totpSecret: 'JBSWY3DPEHPK3PXP',
      backupCodes: ['111-111', '222-222'],
    },
  };
}

async function createTenant(
  simulator: SimulatorProcess,
  tenant: string,
  latencyMs: number,
): Promise<Omit<BenchTenant, 'workspaceId'>> {
  const control = simulator.control;
  const clientId = `svc-${tenant}@cyberark.cloud.1`;
  const clientSecret = randomBytes(12).toString('hex');
  await control.putTenant(tenant);
  await control.putServiceAccount(tenant, clientId, { clientSecret });
  await control.putPlatform(tenant, BENCH_PLATFORM, {
    active: true,
    optional: [...BACKUP_PLATFORM_PROPERTIES],
  });
  await control.putSafe(tenant, BENCH_SAFE, {
    members: [{ memberName: clientId, permissions: BACKUP_SAFE_PERMISSIONS }],
  });
  if (latencyMs > 0) await control.setLatency(tenant, [{ fixedMs: latencyMs, jitterMs: 0 }]);
  return {
    tenant,
    simulator,
    clientId,
    clientSecret,
    identityUrl: simulator.identityUrl(tenant),
    privilegeCloudUrl: simulator.pcloudUrl(tenant),
  };
}
