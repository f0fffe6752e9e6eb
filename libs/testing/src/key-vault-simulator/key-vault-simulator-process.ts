import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '@vault-backup/errors';
import { parseReadyLine, startSimulatorChild } from '../support/simulator-child';
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

/** Starts the Key Vault simulator as a child process (`node -r @swc-node/register`) and waits for its ready line. */
export async function startKeyVaultSimulatorProcess(
  options: KeyVaultSimulatorProcessOptions = {},
): Promise<KeyVaultSimulatorProcess> {
  const child = await startSimulatorChild<ReadyLine>({
    name: 'key-vault-simulator',
    entryPoint: ENTRY_POINT,
    cwd: options.repoRoot ?? DEFAULT_REPO_ROOT,
    env: childEnv(options),
    parseReady: (line) =>
      parseReadyLine<ReadyLine>(
        line,
        READY_EVENT,
        (parsed) => typeof parsed.authorityHost === 'string' && typeof parsed.frontDoor?.port === 'number',
      ),
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    startError: (message) => new KeyVaultSimulatorStartError(message),
  });
  const { ready } = child;
  try {
    return {
      pid: child.pid,
      authorityHost: ready.authorityHost,
      caCertFile: ready.caCertFile,
      caPem: await readFile(ready.caCertFile, 'utf8'),
      controlUrl: ready.controlUrl,
      frontDoor: { host: ready.frontDoor.host, port: ready.frontDoor.port },
      control: new KeyVaultSimulatorControlClient(ready.controlUrl),
      seededVaults: ready.vaults,
      stop: child.stop,
    };
  } catch (error) {
    await child.stop();
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
