import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, type Writable } from 'node:stream';
import { AppError } from '@vault-backup/errors';
import { SimulatorControlClient } from './simulator-control.client';

/** Spawned by path: libs must not import services (CI rule). */
const ENTRY_POINT = join('services', 'cyberark-simulator', 'src', 'main.ts');
const READY_EVENT = 'cyberark-simulator.listening';
const DEFAULT_REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export class SimulatorStartError extends AppError {
  readonly code = 'SIMULATOR_START_FAILED';
  readonly retriable = false;
}

export interface SimulatorProcessOptions {
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** CCP (HTTPS, mutual TLS) port; 0 (default) picks a free one. */
  ccpPort?: number;
  /** Default true. */
  ccp?: boolean;
  /** Bring your own CCP TLS material; otherwise the simulator generates a throwaway CA. */
  ccpTls?: { certFile: string; keyFile: string; caFile: string };
  seedFile?: string;
  /** Extra environment for the child, e.g. variables a seed file's `clientSecretEnv` names. */
  env?: Record<string, string>;
  /** Default `warn`: the simulator's logs go to this process's stderr only when something is wrong. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  startTimeoutMs?: number;
  repoRoot?: string;
}

export interface SimulatorProcess {
  pid: number;
  host: string;
  httpPort: number;
  ccpPort?: number;
  /** PEM file of the CA the CCP server certificate chains to; trust it in CCP clients. */
  ccpCaCertFile?: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  control: SimulatorControlClient;
  /** `{baseUrl}/t/<tenant>/identity` — the Identity tenant URL (token at `/oauth2/platformtoken`). */
  identityUrl(tenantId: string): string;
  /** `{baseUrl}/t/<tenant>/pcloud` — the Privilege Cloud URL (API under `/PasswordVault/API`). */
  pcloudUrl(tenantId: string): string;
  /** `https://127.0.0.1:<ccpPort>` (CCP path `/AIMWebService/api/Accounts`), or undefined without CCP. */
  ccpUrl(): string | undefined;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

interface ReadyLine {
  event: string;
  host: string;
  httpPort: number;
  ccpPort: number | null;
  ccpCaCertFile: string | null;
}

type SimulatorChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts the CyberArk simulator as a child process and waits for its "listening" line. */
export async function startSimulatorProcess(
  options: SimulatorProcessOptions = {},
): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY_POINT], {
    cwd: options.repoRoot ?? DEFAULT_REPO_ROOT,
    env: { ...process.env, ...childEnv(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail = collectTail(child.stderr);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  try {
    const ready = await waitForReady(child, exited, options.startTimeoutMs ?? 20_000, stderrTail);
    return describe(child, ready, exited);
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
}

function childEnv(options: SimulatorProcessOptions): Record<string, string> {
  const env: Record<string, string> = {
    SIMULATOR_HOST: '127.0.0.1',
    SIMULATOR_PORT: String(options.port ?? 0),
    SIMULATOR_CCP_PORT: String(options.ccpPort ?? 0),
    SIMULATOR_CCP_ENABLED: String(options.ccp ?? true),
    SIMULATOR_LOG_LEVEL: options.logLevel ?? 'warn',
    // If this process dies without calling stop(), the closed pipe takes the simulator down too.
    SIMULATOR_EXIT_ON_STDIN_END: 'true',
    ...options.env,
  };
  if (options.seedFile) env.SIMULATOR_SEED_FILE = options.seedFile;
  if (options.ccpTls) {
    env.SIMULATOR_CCP_TLS_CERT_FILE = options.ccpTls.certFile;
    env.SIMULATOR_CCP_TLS_KEY_FILE = options.ccpTls.keyFile;
    env.SIMULATOR_CCP_TLS_CA_FILE = options.ccpTls.caFile;
  }
  return env;
}

function collectTail(stream: Readable, limit = 4096): () => string {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-limit);
    process.stderr.write(chunk);
  });
  return () => tail;
}

function waitForReady(
  child: SimulatorChild,
  exited: Promise<void>,
  timeoutMs: number,
  stderrTail: () => string,
): Promise<ReadyLine> {
  return new Promise((resolveReady, reject) => {
    // Keep draining stdout after the ready line, or the child would block once the pipe fills.
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(
      () => reject(new SimulatorStartError(`simulator not ready after ${timeoutMs} ms: ${stderrTail()}`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      const ready = parseReady(line);
      if (!ready) {
        process.stderr.write(`[cyberark-simulator] ${line}\n`);
        return;
      }
      clearTimeout(timer);
      resolveReady(ready);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        new SimulatorStartError(
          `simulator exited with code ${String(child.exitCode)} before listening: ${stderrTail()}`,
        ),
      );
    });
  });
}

function parseReady(line: string): ReadyLine | undefined {
  if (!line.includes(READY_EVENT)) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<ReadyLine>;
    return parsed.event === READY_EVENT && typeof parsed.httpPort === 'number'
      ? (parsed as ReadyLine)
      : undefined;
  } catch {
    return undefined;
  }
}

function describe(child: SimulatorChild, ready: ReadyLine, exited: Promise<void>): SimulatorProcess {
  const baseUrl = `http://${ready.host}:${ready.httpPort}`;
  const ccpPort = ready.ccpPort ?? undefined;
  return {
    pid: child.pid as number,
    host: ready.host,
    httpPort: ready.httpPort,
    ...(ccpPort !== undefined ? { ccpPort } : {}),
    ...(ready.ccpCaCertFile ? { ccpCaCertFile: ready.ccpCaCertFile } : {}),
    baseUrl,
    control: new SimulatorControlClient(baseUrl),
    identityUrl: (tenantId) => `${baseUrl}/t/${encodeURIComponent(tenantId)}/identity`,
    pcloudUrl: (tenantId) => `${baseUrl}/t/${encodeURIComponent(tenantId)}/pcloud`,
    ccpUrl: () => (ccpPort === undefined ? undefined : `https://${ready.host}:${ccpPort}`),
    stop: () => terminate(child, exited),
  };
}

async function terminate(child: SimulatorChild, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(killTimer);
  child.stdin.destroy();
}
