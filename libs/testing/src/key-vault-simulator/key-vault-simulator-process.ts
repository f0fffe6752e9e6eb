import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, type Writable } from 'node:stream';
import { AppError } from '@vault-backup/errors';
import { type KeyVaultFrontDoorAddress } from './key-vault-front-door.agent';
import { KeyVaultSimulatorControlClient } from './key-vault-simulator-control.client';
import { type SimulatedVaultAddress } from './key-vault-simulator-control.types';

/** Spawned by path: libs must not import services (CI rule). */
const ENTRY_POINT = join('services', 'key-vault-simulator', 'src', 'main.ts');
const READY_EVENT = 'key-vault-simulator.listening';
const DEFAULT_REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export class KeyVaultSimulatorStartError extends AppError {
  readonly code = 'KEY_VAULT_SIMULATOR_START_FAILED';
  readonly retriable = false;
}

export interface KeyVaultSimulatorProcessOptions {
  /** Entra ID (authority host) HTTPS port; 0 (default) picks a free one. */
  entraPort?: number;
  /** Control API HTTP port; 0 (default) picks a free one. */
  controlPort?: number;
  /** Front door HTTPS port (every vault under its Azure host name); 0 (default) picks a free one. */
  frontDoorPort?: number;
  /** JSON seed document loaded before the ready line (see the simulator README). */
  seedFile?: string;
  /** Extra environment for the child, e.g. variables a seed file's `clientSecretEnv` names. */
  env?: Record<string, string>;
  /** Default `warn`: the simulator's logs reach this process's stderr only when something is wrong. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  startTimeoutMs?: number;
  repoRoot?: string;
}

export interface KeyVaultSimulatorProcess {
  pid: number;
  /** `https://127.0.0.1:<entraPort>`: `authorityHost` of ClientSecretCredential (with `disableInstanceDiscovery: true`). */
  authorityHost: string;
  /** PEM file of the throwaway CA the simulator's HTTPS certificates chain to. */
  caCertFile: string;
  /** The same CA as PEM text, for `new https.Agent({ ca })`. */
  caPem: string;
  /** `http://127.0.0.1:<controlPort>` (routes under `/_control`). */
  controlUrl: string;
  /**
   * The one HTTPS listener serving every vault as `https://<vault>.vault.azure.net` (and `.cn`,
   * `.usgovcloudapi.net`): connect here keeping the vault host as TLS server name and `Host`, e.g.
   * with `keyVaultFrontDoorAgent`.
   */
  frontDoor: KeyVaultFrontDoorAddress;
  control: KeyVaultSimulatorControlClient;
  /** Vaults the seed file created, with both their URLs. */
  seededVaults: SimulatedVaultAddress[];
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

interface ReadyLine {
  event: string;
  authorityHost: string;
  controlUrl: string;
  frontDoor: KeyVaultFrontDoorAddress;
  caCertFile: string;
  vaults: SimulatedVaultAddress[];
}

type SimulatorChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts the Key Vault simulator as a child process (`node -r @swc-node/register`) and waits for its ready line. */
export async function startKeyVaultSimulatorProcess(
  options: KeyVaultSimulatorProcessOptions = {},
): Promise<KeyVaultSimulatorProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY_POINT], {
    cwd: options.repoRoot ?? DEFAULT_REPO_ROOT,
    env: { ...process.env, ...childEnv(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail = collectTail(child.stderr);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  try {
    const ready = await waitForReady(child, exited, options.startTimeoutMs ?? 30_000, stderrTail);
    return {
      pid: child.pid as number,
      authorityHost: ready.authorityHost,
      caCertFile: ready.caCertFile,
      caPem: await readFile(ready.caCertFile, 'utf8'),
      controlUrl: ready.controlUrl,
      frontDoor: { host: ready.frontDoor.host, port: ready.frontDoor.port },
      control: new KeyVaultSimulatorControlClient(ready.controlUrl),
      seededVaults: ready.vaults,
      stop: () => terminate(child, exited),
    };
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
}

function childEnv(options: KeyVaultSimulatorProcessOptions): Record<string, string> {
  return {
    KV_SIMULATOR_HOST: '127.0.0.1',
    KV_SIMULATOR_ENTRA_PORT: String(options.entraPort ?? 0),
    KV_SIMULATOR_CONTROL_PORT: String(options.controlPort ?? 0),
    KV_SIMULATOR_FRONT_DOOR_PORT: String(options.frontDoorPort ?? 0),
    KV_SIMULATOR_LOG_LEVEL: options.logLevel ?? 'warn',
    // If this process dies without calling stop(), the closed pipe takes the simulator down too.
    KV_SIMULATOR_EXIT_ON_STDIN_END: 'true',
    ...(options.seedFile ? { KV_SIMULATOR_SEED_FILE: options.seedFile } : {}),
    ...options.env,
  };
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
      () =>
        reject(new KeyVaultSimulatorStartError(`simulator not ready after ${timeoutMs} ms: ${stderrTail()}`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      const ready = parseReady(line);
      if (!ready) {
        process.stderr.write(`[key-vault-simulator] ${line}\n`);
        return;
      }
      clearTimeout(timer);
      resolveReady(ready);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        new KeyVaultSimulatorStartError(
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
    const complete =
      parsed.event === READY_EVENT &&
      typeof parsed.authorityHost === 'string' &&
      typeof parsed.frontDoor?.port === 'number';
    return complete ? (parsed as ReadyLine) : undefined;
  } catch {
    return undefined;
  }
}

async function terminate(child: SimulatorChild, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(killTimer);
  child.stdin.destroy();
}
