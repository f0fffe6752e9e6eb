import { join, resolve } from 'node:path';
import { AppError } from '@vault-backup/errors';
import { parseReadyLine, type SimulatorChild, startSimulatorChild } from '../support/simulator-child';
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

/** Starts the CyberArk simulator as a child process and waits for its "listening" line. */
export async function startSimulatorProcess(
  options: SimulatorProcessOptions = {},
): Promise<SimulatorProcess> {
  const child = await startSimulatorChild<ReadyLine>({
    name: 'cyberark-simulator',
    entryPoint: ENTRY_POINT,
    cwd: options.repoRoot ?? DEFAULT_REPO_ROOT,
    env: childEnv(options),
    parseReady: (line) =>
      parseReadyLine<ReadyLine>(line, READY_EVENT, (parsed) => typeof parsed.httpPort === 'number'),
    startTimeoutMs: options.startTimeoutMs ?? 20_000,
    startError: (message) => new SimulatorStartError(message),
  });
  return describe(child);
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

function describe(child: SimulatorChild<ReadyLine>): SimulatorProcess {
  const { ready } = child;
  const baseUrl = `http://${ready.host}:${ready.httpPort}`;
  const ccpPort = ready.ccpPort ?? undefined;
  return {
    pid: child.pid,
    host: ready.host,
    httpPort: ready.httpPort,
    ...(ccpPort !== undefined ? { ccpPort } : {}),
    ...(ready.ccpCaCertFile ? { ccpCaCertFile: ready.ccpCaCertFile } : {}),
    baseUrl,
    control: new SimulatorControlClient(baseUrl),
    identityUrl: (tenantId) => `${baseUrl}/t/${encodeURIComponent(tenantId)}/identity`,
    pcloudUrl: (tenantId) => `${baseUrl}/t/${encodeURIComponent(tenantId)}/pcloud`,
    ccpUrl: () => (ccpPort === undefined ? undefined : `https://${ready.host}:${ccpPort}`),
    stop: child.stop,
  };
}
