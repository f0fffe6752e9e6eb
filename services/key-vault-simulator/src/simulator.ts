import { type RequestListener, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Logger } from 'pino';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  createPkiDir,
  issueCertificate,
  removePkiDir,
} from '@vault-backup/test-pki';
import { ControlApi } from './control/control.handler';
import { type SeedDocument } from './control/control.schemas';
import { applySeed } from './control/state-commands';
import { createEntraListener } from './entra/entra-listener';
import { type AnyServer, close, listen } from './http/server-lifecycle';
import { TimerRegistry } from './http/timer-registry';
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
  /** `http://127.0.0.1:<controlPort>`; the routes are under `/_control`. */
  controlUrl: string;
  /** PEM file of the throwaway CA every HTTPS listener's certificate chains to. */
  caCertFile: string;
  caPem: string;
  state: SimulatorState;
  stop(): Promise<void>;
}

interface Tls {
  cert: string;
  key: string;
}

/**
 * Starts Entra ID, the control API and any seeded vaults in this process. Vaults created later
 * (control API) get their own HTTPS listener each, on the same host and certificate.
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
    const env = options.env ?? process.env;
    const controlServer = createHttpServer(
      { keepAliveTimeout: 30_000 },
      new ControlApi(shared, options.logger, env).listener(),
    );
    servers.push(controlServer);
    const controlPort = await listen(controlServer, host, options.controlPort ?? 0);
    if (options.seed) await applySeed(shared, options.seed, env);
    return {
      host,
      authorityHost,
      entraPort,
      controlPort,
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

/** A CA (its PEM file is what clients trust) and a server certificate for 127.0.0.1 and localhost. */
async function throwawayTls(pkiDir: string): Promise<{ ca: CertificateAuthority; tls: Tls }> {
  const ca = await createCertificateAuthority(pkiDir, 'Key Vault Simulator Test CA');
  const leaf = await issueCertificate(ca, 'localhost', 'server');
  return { ca, tls: { cert: leaf.certPem, key: leaf.keyPem } };
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
