import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { LocalDataCipher, parseKeyRing } from '@vault-backup/crypto';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import {
  checkHistory,
  createTestDatabase,
  createTopics,
  type DeadLetterEntry,
  type HistoryCheckResult,
  type HistoryExpectations,
  type SimulatorProcess,
  startSimulatorProcess,
  type TestDatabase,
  testKafka,
  uniqueName,
  waitFor,
  type WriteLogEntry,
} from '@vault-backup/testing';
import { type ServiceProcess, startServiceProcess } from '../../e2e/support/service-process';
import { insertEnabledConfiguration } from '../../support/enabled-configuration';
import { serviceTestEnv } from '../../support/service-test.env';
import { createSimulatorTenant } from '../../support/simulator-tenants';

export { PLATFORM, SAFE } from '../../support/simulator-tenants';
const KEY_ID = 'adversity';
/** Input topics take records up to 4 MiB, so records past the contract's 1 MiB limit can be sent. */
const INPUT_TOPIC_MAX_MESSAGE_BYTES = '4194304';

export interface AdversityOptions {
  readonly partitions?: number;
  /** Service environment on top of the defaults (every service process started gets it). */
  readonly env?: Record<string, string>;
}

export interface RunningService {
  readonly process: ServiceProcess;
  readonly port: number;
  readonly startedAtMs: number;
}

export interface ConvergenceOptions {
  readonly timeoutMs: number;
  /** Workspaces expected never to converge (their parked records are not waited for). */
  readonly excludeWorkspaces?: readonly string[];
  /** Measure from this instant (epoch ms); default: the call. */
  readonly sinceMs?: number;
  /** Give up early once lag, parked records and writes have not changed for this long. Default 20 s. */
  readonly quietMs?: number;
}

export interface Convergence {
  readonly converged: boolean;
  /** From `sinceMs` until everything was consumed, nothing was parked, and every backup held its newest version. */
  readonly elapsedMs: number;
  /** Time of the last CyberArk write when converged, relative to `sinceMs`. */
  readonly lastWriteAfterMs?: number;
  readonly state: { lag: number; pending: number; staleFinal: number };
}

/**
 * One adversity scenario's world: a CyberArk simulator child process, a database, input topics that
 * accept oversized records, a dead-letter topic at the broker's defaults (no max.message.bytes
 * override, as in production), and real service processes started and killed at will. It reads the
 * simulator's write log incrementally and judges it with the history checker.
 */
export class AdversityHarness {
  private readonly services: RunningService[] = [];
  private readonly tenants = new Map<string, string>();
  private readonly writes: WriteLogEntry[] = [];
  private writeCursor = 0;
  private producer: Producer | undefined;

  private constructor(
    readonly simulator: SimulatorProcess,
    readonly database: TestDatabase,
    readonly kafka: Kafka,
    readonly topics: { created: string; updated: string; dlq: string },
    readonly env: Record<string, string>,
    private readonly cipher: LocalDataCipher,
  ) {}

  static async create(options: AdversityOptions = {}): Promise<AdversityHarness> {
    const [simulator, database] = await Promise.all([startSimulatorProcess(), createTestDatabase()]);
    const kafka = testKafka();
    const topics = {
      created: uniqueName('adv-created'),
      updated: uniqueName('adv-updated'),
      dlq: uniqueName('adv-dlq'),
    };
    const partitions = options.partitions ?? 2;
    await createTopics(kafka, [topics.created, topics.updated], partitions, [
      { name: 'max.message.bytes', value: INPUT_TOPIC_MAX_MESSAGE_BYTES },
    ]);
    await createTopics(kafka, [topics.dlq], 1);
    const keyRing = `${KEY_ID}:${randomBytes(32).toString('base64')}`;
    const env = serviceTestEnv(
      { databaseUrl: database.url, topics, prefix: 'adv', dataEncryptionKeys: keyRing },
      options.env,
    );
    return new AdversityHarness(
      simulator,
      database,
      kafka,
      topics,
      env,
      new LocalDataCipher(parseKeyRing(keyRing)),
    );
  }

  /** The simulator tenant a workspace backs up to. */
  readonly tenantOf = (workspaceId: string): string | undefined => this.tenants.get(workspaceId);

  /** A tenant with the backup safe and platform, and an enabled configuration for the workspace (secret encrypted). */
  async enableWorkspace(workspaceId: string, tenant: string): Promise<void> {
    const fixture = await createSimulatorTenant(this.simulator, { tenant });
    await insertEnabledConfiguration(this.database.dataSource, this.cipher, {
      workspaceId,
      identityUrl: fixture.identityUrl,
      privilegeCloudUrl: fixture.pcloudUrl,
      clientId: fixture.clientId,
      clientSecret: fixture.clientSecret,
    });
    this.tenants.set(workspaceId, tenant);
  }

  /**
   * Replaces the workspace's stored client secret by one encrypted under a key of the same id that
   * the service does not hold (a lost or rotated key): it no longer decrypts.
   */
  async corruptClientSecret(workspaceId: string): Promise<void> {
    const lost = new LocalDataCipher(parseKeyRing(`${KEY_ID}:${randomBytes(32).toString('base64')}`));
    const ciphertext = await lost.encrypt(randomBytes(12).toString('hex'), CLIENT_SECRET_CIPHER_CONTEXT);
    await this.database.dataSource.query(
      `UPDATE backup_configuration SET client_secret_ciphertext = $2 WHERE workspace_id = $1`,
      [workspaceId, ciphertext],
    );
  }

  /** Starts the real service entry point as a child process and waits until it answers /health/live. */
  async startService(env: Record<string, string> = {}): Promise<RunningService> {
    const port = await freePort();
    const process = startServiceProcess({ ...this.env, ...env, HTTP_PORT: String(port) });
    const service = { process, port, startedAtMs: Date.now() };
    this.services.push(service);
    let exited = false;
    const died = process.exited.then((code) => {
      exited = true;
      throw new Error(`the service exited (${code}) while starting:\n${tail(process.output(), 20)}`);
    });
    died.catch(() => undefined);
    await Promise.race([
      died,
      waitFor(async () => !exited && (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, {
        timeoutMs: 60_000,
        intervalMs: 100,
        description: 'the service to answer /health/live',
      }),
    ]);
    return service;
  }

  async rawProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    return this.producer;
  }

  /** Every committed CyberArk write so far (all tenants), read incrementally from the simulator. */
  async writeLog(): Promise<readonly WriteLogEntry[]> {
    for (;;) {
      const page = await this.simulator.control.writeLog({ since: this.writeCursor, limit: 10_000 });
      this.writes.push(...page.entries);
      this.writeCursor = page.cursor;
      if (page.entries.length < 10_000) return this.writes;
    }
  }

  /** Every record on the dead-letter topic, from the beginning up to its current end. */
  async deadLetterMessages(): Promise<KafkaMessage[]> {
    return readWholeTopic(this.kafka, this.topics.dlq);
  }

  async checkHistory(
    expectations: HistoryExpectations & { describeDeadLetter(message: KafkaMessage): DeadLetterEntry },
    options: { excludeWorkspaces?: readonly string[] } = {},
  ): Promise<HistoryCheckResult> {
    const [writes, deadLetters] = await Promise.all([this.writeLog(), this.deadLetterMessages()]);
    return checkHistory({
      writes,
      expectations,
      deadLetters: deadLetters.map((message) => expectations.describeDeadLetter(message)),
      tenantOf: this.tenantOf,
      ...(options.excludeWorkspaces ? { excludeWorkspaces: options.excludeWorkspaces } : {}),
    });
  }

  /**
   * Waits until every record was consumed (committed offsets at the end of both input topics),
   * nothing is parked, and every backup holds exactly its newest version — or the timeout. Never
   * throws on timeout: the caller judges the history either way and reports what is wrong.
   */
  async waitForConvergence(
    expectations: HistoryExpectations,
    options: ConvergenceOptions,
  ): Promise<Convergence> {
    const since = options.sinceMs ?? Date.now();
    const deadline = Date.now() + options.timeoutMs;
    let state = { lag: -1, pending: -1, staleFinal: -1 };
    let quietSince = Date.now();
    let seen = '';
    for (;;) {
      try {
        state = await this.convergenceState(expectations, options.excludeWorkspaces ?? []);
      } catch {
        // Kafka admin or PostgreSQL busy for a moment: look again.
      }
      if (state.lag === 0 && state.pending === 0 && state.staleFinal === 0) {
        const last = this.writes.at(-1);
        return {
          converged: true,
          elapsedMs: Date.now() - since,
          ...(last ? { lastWriteAfterMs: Date.parse(last.time) - since } : {}),
          state,
        };
      }
      const signature = `${state.lag}/${state.pending}/${this.writes.length}`;
      if (signature !== seen) {
        seen = signature;
        quietSince = Date.now();
      }
      // No record consumed, parked or resolved, and no write, for a long while: it is stuck or done.
      const settled = Date.now() - quietSince >= (options.quietMs ?? 20_000);
      if (settled || Date.now() >= deadline)
        return { converged: false, elapsedMs: Date.now() - since, state };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Consumer lag summed over both input topics, from the group's committed offsets. */
  async consumerLag(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let lag = 0;
      for (const topic of [this.topics.created, this.topics.updated]) {
        const [ends, committedTopics] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId: this.env.KAFKA_GROUP_ID ?? '', topics: [topic] }),
        ]);
        const committed = committedTopics[0];
        for (const end of ends) {
          const offset = committed?.partitions.find(
            (partition) => partition.partition === end.partition,
          )?.offset;
          const position = offset === undefined || Number(offset) < 0 ? Number(end.low) : Number(offset);
          lag += Number(end.high) - position;
        }
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  async pendingRows(): Promise<
    {
      workspace_id: string;
      account_id: string;
      version: string;
      last_error_class: string;
      last_error_code: string | null;
      last_error_message: string;
    }[]
  > {
    return this.database.dataSource.query(
      `SELECT workspace_id, account_id, version, last_error_class, last_error_code, last_error_message FROM pending_backup`,
    );
  }

  async failureRows(): Promise<
    {
      workspace_id: string | null;
      account_id: string | null;
      version: string | null;
      source_topic: string;
      source_partition: number;
      source_offset: string;
      error_class: string;
      error_code: string;
      error_message: string;
      dlq_offset: string | null;
    }[]
  > {
    return this.database.dataSource.query(
      `SELECT workspace_id, account_id, version, source_topic, source_partition, source_offset, error_class, error_code,
              error_message, dlq_offset
         FROM backup_failure`,
    );
  }

  /** Sum of a Prometheus counter of a running service, over the series whose labels include `labels`. */
  async metric(service: RunningService, name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.eE+-]+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const series = match[2] ?? '';
      if (Object.entries(labels).every(([label, value]) => series.includes(`${label}="${value}"`)))
        total += Number(match[3]);
    }
    return total;
  }

  /** What PostgreSQL says about some accounts (applied version, write fence, parked, failed), to explain a finding. */
  async describeStoredState(
    accounts: readonly { workspaceId: string; accountId: string }[],
  ): Promise<string> {
    const lines: string[] = [];
    for (const { workspaceId, accountId } of accounts) {
      const args = [workspaceId, accountId];
      const where = 'WHERE workspace_id = $1 AND account_id = $2';
      const [state, fence, pending, failures] = await Promise.all([
        this.database.dataSource.query(
          `SELECT applied_version, last_event_id FROM account_backup_state ${where}`,
          args,
        ),
        this.database.dataSource.query(
          `SELECT started_version, prior_version, owner, prior_owner FROM account_write_fence ${where}`,
          args,
        ),
        this.database.dataSource.query(
          `SELECT version, attempts, last_error_code FROM pending_backup ${where}`,
          args,
        ),
        this.database.dataSource.query(
          `SELECT version, error_class, error_code, error_message FROM backup_failure ${where}`,
          args,
        ),
      ]);
      lines.push(
        `  ${workspaceId}/${accountId}: state ${JSON.stringify(state)} fence ${JSON.stringify(fence)} ` +
          `pending ${JSON.stringify(pending)} failures ${JSON.stringify(failures)}`,
      );
    }
    return lines.join('\n');
  }

  /** The last lines every service process printed (warnings and errors at the default log level). */
  serviceLogTail(lines = 15): string {
    return this.services
      .map(
        (service, index) =>
          `── service #${index + 1} (port ${service.port})\n${tail(service.process.output(), lines)}`,
      )
      .join('\n');
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      this.services
        .filter(
          (service) => service.process.child.exitCode === null && service.process.child.signalCode === null,
        )
        .map((service) => service.process.kill('SIGKILL')),
    );
    await this.producer?.disconnect();
    await Promise.allSettled([this.simulator.stop(), this.database.drop()]);
  }

  private async convergenceState(
    expectations: HistoryExpectations,
    excludeWorkspaces: readonly string[],
  ): Promise<{ lag: number; pending: number; staleFinal: number }> {
    const [lag, pending, writes] = await Promise.all([
      this.consumerLag(),
      this.database.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pending_backup WHERE NOT (workspace_id = ANY($1::varchar[]))`,
        [excludeWorkspaces],
      ),
      this.writeLog(),
    ]);
    const { totals } = checkHistory({ writes, expectations, excludeWorkspaces });
    return { lag, pending: pending[0]?.n ?? -1, staleFinal: totals.staleFinal };
  }
}

async function readWholeTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter((end) => Number(end.high) > Number(end.low)).map((end) => [end.partition, Number(end.high)]),
  );
  if (remaining.size === 0) return [];
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('adv-dlq-reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(message);
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
      },
    });
    await waitFor(() => remaining.size === 0, { timeoutMs: 60_000, description: `the whole of ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
