import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readEnvFile, REPO_ROOT } from '@vault-backup/testing';

const run = promisify(execFile);
const STACK_SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'stack.sh');
/** The shared local stack's ports and state dir (deploy/local/README.md): never touched from here. */
export const DEFAULT_STACK_PORTS: readonly number[] = [55432, 19092, 19093, 29092, 29093];
export const DEFAULT_STACK_STATE_DIR = join(REPO_ROOT, '.local-stack');

export type StackComponent = 'kafka' | 'postgres';

interface StackPorts {
  readonly pg: number;
  readonly kafka: number;
  readonly kafkaController: number;
  readonly kafka4: number;
  readonly kafka4Controller: number;
}

/**
 * A stack instance of its own (deploy/local/stack.sh with its own state dir under the OS temp dir and
 * its own free ports; PostgreSQL and Kafka 3.9 only), for tests that stop and start infrastructure.
 * It refuses to be the shared default stack that other tests use at the same time.
 */
export class StackInstance {
  private constructor(
    readonly stateDir: string,
    readonly ports: StackPorts,
    readonly databaseUrl: string,
    readonly kafkaBrokers: string,
  ) {}

  static async start(): Promise<StackInstance> {
    const stateDir = mkdtempSync(join(tmpdir(), 'vb-infra-stack-'));
    // As root PostgreSQL runs as the `postgres` OS user, which must reach its data dir in here.
    chmodSync(stateDir, 0o755);
    const [pg, kafka, kafkaController, kafka4, kafka4Controller] = await freePorts(5);
    const ports = { pg, kafka, kafkaController, kafka4, kafka4Controller };
    assertNotTheSharedStack(stateDir, ports);
    await runStack(stateDir, ports, ['up'], 150_000);
    const env = readEnvFile(join(stateDir, 'stack.env'));
    const databaseUrl = env.DATABASE_URL ?? '';
    const kafkaBrokers = env.KAFKA_BROKERS ?? '';
    if (!databaseUrl.includes(`:${pg}/`) || kafkaBrokers !== `127.0.0.1:${kafka}`)
      throw new Error(`the stack instance in ${stateDir} answered with ${databaseUrl} / ${kafkaBrokers}`);
    return new StackInstance(stateDir, ports, databaseUrl, kafkaBrokers);
  }

  async stop(component: StackComponent): Promise<string> {
    return runStack(this.stateDir, this.ports, ['stop', component], 60_000);
  }

  async start(component: StackComponent): Promise<string> {
    return runStack(this.stateDir, this.ports, ['start', component], 120_000);
  }

  async logTail(component: StackComponent, lines = 20): Promise<string> {
    const log = join(this.stateDir, 'logs', component === 'kafka' ? 'kafka-3.9.1.log' : 'postgres.log');
    const { stdout } = await run('tail', ['-n', String(lines), log]).catch(() => ({ stdout: '' }));
    return stdout;
  }

  /** Stops everything of this instance and removes its state dir. */
  async down(): Promise<void> {
    await runStack(this.stateDir, this.ports, ['down'], 90_000);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export function assertNotTheSharedStack(stateDir: string, ports: StackPorts): void {
  const shared = Object.entries(ports).filter(([, port]) => DEFAULT_STACK_PORTS.includes(port));
  if (shared.length > 0 || resolve(stateDir) === resolve(DEFAULT_STACK_STATE_DIR))
    throw new Error(
      `refusing to restart infrastructure of the shared local stack (state dir ${stateDir}, ports ${JSON.stringify(ports)})`,
    );
}

async function runStack(
  stateDir: string,
  ports: StackPorts,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  assertNotTheSharedStack(stateDir, ports);
  // Never inherit the shared stack's addresses: the script would adopt them as "external" servers.
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, KAFKA4_BROKERS: _kafka4, ...inherited } = process.env;
  const env = {
    ...inherited,
    VAULT_BACKUP_STATE_DIR: stateDir,
    PG_PORT: String(ports.pg),
    KAFKA3_PORT: String(ports.kafka),
    KAFKA3_CONTROLLER_PORT: String(ports.kafkaController),
    KAFKA4_PORT: String(ports.kafka4),
    KAFKA4_CONTROLLER_PORT: String(ports.kafka4Controller),
  };
  try {
    const { stdout } = await run('bash', [STACK_SCRIPT, ...args], { env, timeout: timeoutMs });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `stack.sh ${args.join(' ')} failed for ${stateDir}: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
      { cause: error },
    );
  }
}

/**
 * Distinct free loopback ports below the kernel's ephemeral range (32768+), so that no client
 * connection takes a port as its source while the server on it is stopped. Each is held open until
 * all are chosen, so that none is handed out twice.
 */
async function freePorts(count: number): Promise<number[]> {
  const held: ReturnType<typeof createServer>[] = [];
  try {
    while (held.length < count) {
      const port = 21_000 + Math.floor(Math.random() * 11_000);
      if (DEFAULT_STACK_PORTS.includes(port)) continue;
      const server = await listen(port);
      if (server) held.push(server);
    }
    return held.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(held.map((server) => new Promise((done) => server.close(done))));
  }
}

function listen(port: number): Promise<ReturnType<typeof createServer> | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(undefined));
    server.listen(port, '127.0.0.1', () => resolvePort(server));
  });
}
