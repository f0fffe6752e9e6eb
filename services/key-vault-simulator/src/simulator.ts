import { type RequestListener, createServer as createHttpServer } from 'node:http';
import { type Server as HttpsServer, createServer as createHttpsServer } from 'node:https';
import { type Logger } from 'pino';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  createPkiDir,
  issueCertificate,
  removePkiDir,
} from '@vault-backup/test-pki';
import { TimerRegistry } from '@vault-backup/simulator-kit';
import { AZURE_CLOUDS } from './clouds/azure-clouds';
import { ControlApi } from './control/control.handler';
import { type SeedDocument } from './control/control.schemas';
import { applySeed } from './control/state-commands';
import { createEntraListener } from './entra/entra-listener';
import {
  type FrontDoorDeps,
  createFrontDoorListener,
  frontDoorServerNameCheck,
} from './front-door/front-door-listener';
import { type AnyServer, close, listen } from './http/server-lifecycle';
import { type PipelineDeps } from './pipeline/faulted-call';
import { SimulatorState } from './state/simulator-state';
import { type Vault } from './vault/vault';
import { createVaultListener } from './vault/vault-listener';
import { type VaultServer } from './vault/vault-registry';

export interface KeyVaultSimulatorOptions {
  /** Listen address of every listener; default 127.0.0.1 (the server certificate names 127.0.0.1 and localhost). */
  host?: string;
  /** Entra ID (authority host) HTTPS port; 0 (default) picks a free one. */
  entraPort?: number;
  /** Control API HTTP port; 0 (default) picks a free one. */
  controlPort?: number;
  /** Front door HTTPS port (every vault by its Azure host name); 0 (default) picks a free one. */
  frontDoorPort?: number;
  logger: Logger;
  seed?: SeedDocument;
  env?: NodeJS.ProcessEnv;
}

export interface RunningKeyVaultSimulator {
  host: string;
  /** `https://127.0.0.1:<entraPort>`: give it to ClientSecretCredential as `authorityHost`. */
  authorityHost: string;
  entraPort: number;
  controlPort: number;
  /**
   * Where `*.vault.azure.net`, `*.vault.azure.cn` and `*.vault.usgovcloudapi.net` are served: a
   * client connects here while keeping the vault host as TLS server name and `Host`.
   */
  frontDoor: FrontDoorAddress;
  /** `http://127.0.0.1:<controlPort>`; the routes are under `/_control`. */
  controlUrl: string;
  /** PEM file of the throwaway CA every HTTPS listener's certificate chains to. */
  caCertFile: string;
  caPem: string;
  state: SimulatorState;
  stop(): Promise<void>;
}

export interface FrontDoorAddress {
  host: string;
  port: number;
}

interface Tls {
  cert: string;
  key: string;
}

/** Every vault host of every cloud, for the one server certificate all listeners share. */
const VAULT_HOST_PATTERNS = Object.values(AZURE_CLOUDS).map((cloud) => `*.${cloud.vaultSuffix}`);

/**
 * Starts Entra ID, the front door, the control API and any seeded vaults in this process. Every
 * vault is served by the front door under its Azure host name and by a loopback HTTPS listener of
 * its own; all listeners share the host and the certificate.
 */
export async function startKeyVaultSimulator(
  options: KeyVaultSimulatorOptions,
): Promise<RunningKeyVaultSimulator> {
  const host = options.host ?? '127.0.0.1';
  const advertisedHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const pkiDir = await createPkiDir('key-vault-sim-pki-');
  const timers = new TimerRegistry();
  const servers: AnyServer[] = [];
  let state: SimulatorState | undefined;
  const stop = async (): Promise<void> => {
    timers.cancelAll();
    await state?.vaults.deleteAll();
    await Promise.all(servers.map(close));
    await removePkiDir(pkiDir);
  };
  try {
    const { ca, tls } = await throwawayTls(pkiDir);
    // The authority host (and with it every token issuer) needs the port, so bind before wiring.
    const entraServer = createHttpsServer({ ...tls, keepAliveTimeout: 30_000 });
    servers.push(entraServer);
    const entraPort = await listen(entraServer, host, options.entraPort ?? 0);
    const authorityHost = `https://${advertisedHost}:${entraPort}`;
    // A vault's listener is built when the vault is created; by then `shared` is set.
    state = new SimulatorState(
      authorityHost,
      (port) => openVault(tls, host, port, (vault) => createVaultListener(vault, listenerDeps(shared))),
      advertisedHost,
    );
    const shared: SimulatorState = state;
    const pipeline = pipelineDeps(shared, timers, options.logger);
    const listenerDeps = (current: SimulatorState) => ({
      ...pipeline,
      authorityHost,
      tokens: current.tokens,
      clock: current.clock,
      switches: current.switches,
    });
    entraServer.on(
      'request',
      createEntraListener({
        ...listenerDeps(shared),
        directory: shared.directory,
        faults: shared.entraFaults,
      }),
    );
    const frontDoorServer = createFrontDoorServer(tls, { ...listenerDeps(shared), vaults: shared.vaults });
    servers.push(frontDoorServer);
    const frontDoor: FrontDoorAddress = {
      host: advertisedHost,
      port: await listen(frontDoorServer, host, options.frontDoorPort ?? 0),
    };
    const env = options.env ?? process.env;
    const controlServer = createHttpServer(
      { keepAliveTimeout: 30_000 },
      new ControlApi(shared, { logger: options.logger, env, frontDoor }).listener(),
    );
    servers.push(controlServer);
    const controlPort = await listen(controlServer, host, options.controlPort ?? 0);
    if (options.seed) await applySeed(shared, options.seed, env);
    return {
      host,
      authorityHost,
      entraPort,
      controlPort,
      frontDoor,
      controlUrl: `http://${advertisedHost}:${controlPort}`,
      caCertFile: ca.certFile,
      caPem: ca.certPem,
      state: shared,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A CA (its PEM file is what clients trust) and one server certificate for 127.0.0.1, localhost
 * and every vault host of the three clouds, so a client that verifies against the vault host name
 * (the front door) and one that verifies against 127.0.0.1 (the loopback listeners) both succeed.
 */
async function throwawayTls(pkiDir: string): Promise<{ ca: CertificateAuthority; tls: Tls }> {
  const ca = await createCertificateAuthority(pkiDir, 'Key Vault Simulator Test CA');
  const leaf = await issueCertificate(ca, 'localhost', 'server', { dnsNames: VAULT_HOST_PATTERNS });
  return { ca, tls: { cert: leaf.certPem, key: leaf.keyPem } };
}

/** One HTTPS listener for every vault, told apart by TLS server name and `Host`. */
function createFrontDoorServer(tls: Tls, deps: FrontDoorDeps): HttpsServer {
  return createHttpsServer(
    { ...tls, keepAliveTimeout: 30_000, SNICallback: frontDoorServerNameCheck(deps) },
    createFrontDoorListener(deps),
  );
}

function pipelineDeps(state: SimulatorState, timers: TimerRegistry, logger: Logger): PipelineDeps {
  return { requestLog: state.requestLog, counters: state.counters, timers, held: state.held, logger };
}

async function openVault(
  tls: Tls,
  host: string,
  port: number,
  listenerFor: (vault: Vault) => RequestListener,
): Promise<VaultServer> {
  const server = createHttpsServer({ ...tls, keepAliveTimeout: 30_000 });
  const bound = await listen(server, host, port);
  return {
    port: bound,
    attach: (vault) => {
      server.on('request', listenerFor(vault));
    },
    close: () => close(server),
  };
}
