import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import { type Server as HttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type Logger } from 'pino';
import {
  createCertificateAuthority,
  createPkiDir,
  issueCertificate,
  removePkiDir,
} from '@vault-backup/test-pki';
import { TimerRegistry } from '@vault-backup/simulator-kit';
import { createCcpServer, type CcpTlsMaterial } from './ccp/ccp.server';
import { type CcpAuthority, ControlApi } from './control/control.handler';
import { type SeedDocument } from './control/control.schemas';
import { applySeed } from './control/state-commands';
import { createRequestListener } from './http/request-dispatcher';
import { TokenIssuer } from './identity/token-issuer';
import { RequestLog } from './request-log/request-log';
import { SimulatorState } from './state/simulator-state';
import { WriteLog } from './write-log/write-log';

export interface CcpTlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface SimulatorOptions {
  host: string;
  port: number;
  /** `false` disables the CCP listener. Without `tls` a throwaway CA and server certificate are generated. */
  ccp: false | { port: number; tls?: CcpTlsFiles };
  logger: Logger;
  seed?: SeedDocument;
  env?: NodeJS.ProcessEnv;
}

export interface RunningSimulator {
  host: string;
  httpPort: number;
  ccpPort?: number;
  /** PEM file of the CA the CCP server certificate chains to (and client certificates must chain to). */
  ccpCaCertFile?: string;
  state: SimulatorState;
  stop(): Promise<void>;
}

interface CcpSetup {
  tls: CcpTlsMaterial;
  caCertFile: string;
  authority: CcpAuthority;
  cleanup: () => Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const state = new SimulatorState();
  const requestLog = new RequestLog();
  const writeLog = new WriteLog();
  const timers = new TimerRegistry();
  const env = options.env ?? process.env;
  if (options.seed) applySeed(state, options.seed, env);
  const ccpOptions = options.ccp === false ? undefined : options.ccp;
  const ccp = ccpOptions ? await prepareCcpTls(ccpOptions.tls) : undefined;
  const pipeline = { requestLog, logger: options.logger, timers };
  const control = new ControlApi({
    state,
    requestLog,
    writeLog,
    logger: options.logger,
    env,
    ...(ccp ? { ccpAuthority: ccp.authority } : {}),
  });
  const listener = createRequestListener({
    ...pipeline,
    state,
    issuer: new TokenIssuer(state),
    control,
    writeLog,
  });
  const servers: (HttpServer | HttpsServer)[] = [];
  const stop = async (): Promise<void> => {
    timers.cancelAll();
    await Promise.all(servers.map(close));
    await ccp?.cleanup();
  };
  try {
    const httpServer = createServer({ keepAliveTimeout: 30_000 }, listener);
    servers.push(httpServer);
    const httpPort = await listen(httpServer, options.host, options.port);
    if (!ccp || !ccpOptions) return { host: options.host, httpPort, state, stop };
    const ccpServer = createCcpServer(ccp.tls, { ...pipeline, state });
    servers.push(ccpServer);
    const ccpPort = await listen(ccpServer, options.host, ccpOptions.port);
    return { host: options.host, httpPort, ccpPort, ccpCaCertFile: ccp.caCertFile, state, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function prepareCcpTls(files: CcpTlsFiles | undefined): Promise<CcpSetup> {
  if (files) {
    const [certPem, keyPem, caPem] = await Promise.all(
      [files.certFile, files.keyFile, files.caFile].map((file) => readFile(file, 'utf8')),
    );
    return {
      tls: { certPem, keyPem, caPem },
      caCertFile: files.caFile,
      authority: { caCertPem: caPem },
      cleanup: () => Promise.resolve(),
    };
  }
  const dir = await createPkiDir('cyberark-sim-pki-');
  const ca = await createCertificateAuthority(dir, 'CyberArk Simulator Test CA');
  const server = await issueCertificate(ca, 'localhost', 'server');
  return {
    tls: { certPem: server.certPem, keyPem: server.keyPem, caPem: ca.certPem },
    caCertFile: ca.certFile,
    authority: {
      caCertPem: ca.certPem,
      issueClientCertificate: (commonName) => issueCertificate(ca, commonName, 'client'),
    },
    cleanup: () => removePkiDir(dir),
  };
}

function listen(server: HttpServer | HttpsServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Drops idle and held connections too: a `timeout` fault must not keep the simulator from stopping. */
function close(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
