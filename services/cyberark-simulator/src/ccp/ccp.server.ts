import { type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type TLSSocket } from 'node:tls';
import { SimulatedHttpError } from '../http/http.errors';
import { type Reply } from '../http/http.types';
import { queryValue, parseTarget, MalformedPathError } from '../http/request-path';
import { writeReply } from '../http/reply-writer';
import { type PipelineDeps, runTenantCall } from '../http/tenant-pipeline';
import { type SimulatorState } from '../state/simulator-state';
import { CcpErrors } from './ccp.errors';
import { findApp, type PeerCertificate, retrieveCredential } from './ccp.handler';

export interface CcpTlsMaterial {
  certPem: string;
  keyPem: string;
  /** CA that client certificates must chain to. */
  caPem: string;
}

export interface CcpServerDeps extends PipelineDeps {
  state: SimulatorState;
}

const CCP_PATH = ['aimwebservice', 'api', 'accounts'];

/**
 * The Central Credential Provider over HTTPS with mutual TLS. The client certificate is requested
 * but not enforced by the handshake, so a missing or foreign certificate gets CCP's own
 * 403 APPAP306E instead of a TLS alert.
 */
export function createCcpServer(tls: CcpTlsMaterial, deps: CcpServerDeps): Server {
  return createServer(
    { cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      handleCcpRequest(request, response, deps).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'CCP request failed');
        if (!response.headersSent)
          writeReply(response, {
            status: 500,
            body: { ErrorCode: 'SIMINTERNAL', ErrorMsg: 'Internal simulator error' },
          });
      });
    },
  );
}

async function handleCcpRequest(
  request: IncomingMessage,
  response: ServerResponse,
  deps: CcpServerDeps,
): Promise<void> {
  const startedAt = performance.now();
  let tenantPrefix: string | undefined;
  let path = '(malformed)';
  try {
    const target = parseTarget(request.url ?? '/');
    path = target.path;
    const segments = target.segments;
    if (segments[0]?.toLowerCase() === 't') tenantPrefix = segments[1];
    const route = tenantPrefix === undefined ? segments : segments.slice(2);
    if (
      route.length !== CCP_PATH.length ||
      route.some((segment, index) => segment.toLowerCase() !== CCP_PATH[index])
    ) {
      throw CcpErrors.resourceNotFound();
    }
    if (request.method !== 'GET') throw CcpErrors.methodNotAllowed();
    const app = findApp(deps.state, queryValue(target.query, 'AppID'), tenantPrefix);
    const tenant = deps.state.getTenant(app.tenantId);
    if (!tenant) throw CcpErrors.appNotDefined(app.appId);
    const peer = peerCertificateOf(request);
    await runTenantCall(
      {
        request,
        response,
        tenant,
        family: 'ccp',
        path,
        startedAt,
        execute: () => retrieveCredential(tenant, app, target.query, peer),
        tooLarge: () => ({
          status: 413,
          body: { ErrorCode: 'APPAP081E', ErrorMsg: 'Request message content invalid.' },
        }),
      },
      deps,
    );
  } catch (error) {
    const reply = errorReply(error);
    request.resume();
    const written = writeReply(response, reply);
    deps.requestLog.append({
      method: request.method ?? 'GET',
      path,
      tenant: tenantPrefix?.toLowerCase() ?? null,
      family: 'ccp',
      status: written ? reply.status : 0,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
    });
  }
}

function errorReply(error: unknown): Reply {
  if (error instanceof SimulatedHttpError) return error.reply;
  if (error instanceof MalformedPathError) return CcpErrors.invalidQuery(error.message).reply;
  throw error;
}

function peerCertificateOf(request: IncomingMessage): PeerCertificate | undefined {
  const socket = request.socket as TLSSocket;
  const certificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  return {
    authorized: socket.authorized,
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
  };
}
