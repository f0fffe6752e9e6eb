import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type ControlApi } from '../control/control.handler';
import { issuePlatformToken } from '../identity/token.handler';
import { type TokenIssuer } from '../identity/token-issuer';
import { type PvwaContext } from '../pvwa/pvwa.context';
import { PvwaErrors } from '../pvwa/pvwa.errors';
import { createPvwaRouter } from '../pvwa/pvwa.routes';
import { type SimulatorState } from '../state/simulator-state';
import { type TenantState } from '../state/tenant-state';
import { type WriteLog } from '../write-log/write-log';
import { type SimulatedHttpError } from './http.errors';
import { type Reply } from './http.types';
import { MalformedPathError, parseTarget, type ParsedTarget } from './request-path';
import { writeReply } from './reply-writer';
import { type PipelineDeps, runTenantCall } from './tenant-pipeline';

export interface DispatcherDeps extends PipelineDeps {
  state: SimulatorState;
  issuer: TokenIssuer;
  control: ControlApi;
  writeLog: WriteLog;
}

/**
 * The loopback HTTP listener: `/_control/...`, `/t/<tenant>/identity/...` and
 * `/t/<tenant>/pcloud/PasswordVault/API/...`. Literal path segments are case-insensitive.
 */
export function createRequestListener(
  deps: DispatcherDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  const pvwaRouter = createPvwaRouter();
  const dispatch = (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    let target: ParsedTarget;
    try {
      target = parseTarget(request.url ?? '/');
    } catch (error) {
      if (!(error instanceof MalformedPathError)) throw error;
      return answerDirectly(
        request,
        response,
        deps,
        { status: 400, body: { ErrorCode: 'SIMBADPATH', ErrorMessage: error.message } },
        null,
        startedAt,
      );
    }
    const [head = '', tenantId = '', area = '', ...rest] = target.segments;
    if (head.toLowerCase() === '_control')
      return deps.control.handle(request, response, target.segments.slice(1), target.query);
    const tenant = head.toLowerCase() === 't' ? deps.state.getTenant(tenantId) : undefined;
    if (!tenant) {
      const reply = {
        status: 404,
        body: { ErrorCode: 'SIMNOTENANT', ErrorMessage: 'No such simulator tenant or route.' },
      };
      return answerDirectly(request, response, deps, reply, null, startedAt, target.path);
    }
    const call = { request, response, tenant, target, startedAt };
    switch (area.toLowerCase()) {
      case 'identity':
        return identity(call, rest, deps);
      case 'pcloud':
        return privilegeCloud(call, rest, deps, pvwaRouter);
      default:
        return answerDirectly(
          request,
          response,
          deps,
          PvwaErrors.resourceNotFound().reply,
          tenant.id,
          startedAt,
          target.path,
        );
    }
  };
  return (request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'request failed');
      if (!response.headersSent)
        writeReply(response, {
          status: 500,
          body: { ErrorCode: 'SIMINTERNAL', ErrorMessage: 'Internal simulator error' },
        });
      else response.destroy();
    });
  };
}

interface TenantRequest {
  request: IncomingMessage;
  response: ServerResponse;
  tenant: TenantState;
  target: ParsedTarget;
  startedAt: number;
}

function identity(call: TenantRequest, rest: readonly string[], deps: DispatcherDeps): Promise<void> {
  const isTokenPath =
    rest.length === 2 && rest[0]?.toLowerCase() === 'oauth2' && rest[1]?.toLowerCase() === 'platformtoken';
  if (!isTokenPath) return notFound(call, deps);
  if (call.request.method !== 'POST') return methodNotAllowed(call, deps);
  return runTenantCall(
    {
      ...call,
      path: call.target.path,
      family: 'token',
      execute: (rawBody) =>
        issuePlatformToken(
          call.tenant,
          { contentType: call.request.headers['content-type'], rawBody },
          deps.issuer,
        ),
      tooLarge: () => ({
        status: 413,
        body: { error: 'invalid_request', error_description: 'Request body too large.' },
      }),
    },
    deps,
  );
}

function privilegeCloud(
  call: TenantRequest,
  rest: readonly string[],
  deps: DispatcherDeps,
  router: ReturnType<typeof createPvwaRouter>,
): Promise<void> {
  const [vault = '', api = '', ...route] = rest;
  if (vault.toLowerCase() !== 'passwordvault' || api.toLowerCase() !== 'api') return notFound(call, deps);
  const match = router.match(call.request.method ?? 'GET', route);
  if (match.kind === 'not-found') return notFound(call, deps);
  if (match.kind === 'method-not-allowed') return methodNotAllowed(call, deps);
  const { tenant, request } = call;
  return runTenantCall(
    {
      ...call,
      path: call.target.path,
      family: match.route.family,
      execute: (rawBody) => {
        const issued = deps.issuer.authenticate(tenant.id, request.headers.authorization, Date.now());
        if (!issued || !tenant.getServiceAccount(issued.clientId)) {
          throw PvwaErrors.unauthorized(tenant.behaviour.unauthorizedBody === 'error-code');
        }
        const context: PvwaContext = {
          tenant,
          caller: issued.clientId,
          query: call.target.query,
          rawBody,
          writeLog: deps.writeLog,
        };
        return match.route.handle(context, match.params);
      },
      tooLarge: () => PvwaErrors.payloadTooLarge().reply,
    },
    deps,
  );
}

function notFound(call: TenantRequest, deps: DispatcherDeps): Promise<void> {
  return answerError(call, deps, PvwaErrors.resourceNotFound());
}

function methodNotAllowed(call: TenantRequest, deps: DispatcherDeps): Promise<void> {
  return answerError(call, deps, PvwaErrors.methodNotAllowed());
}

function answerError(call: TenantRequest, deps: DispatcherDeps, error: SimulatedHttpError): Promise<void> {
  return answerDirectly(
    call.request,
    call.response,
    deps,
    error.reply,
    call.tenant.id,
    call.startedAt,
    call.target.path,
  );
}

/** Answers outside the tenant pipeline (no faults apply): unknown tenants, routes and methods. */
function answerDirectly(
  request: IncomingMessage,
  response: ServerResponse,
  deps: DispatcherDeps,
  reply: Reply,
  tenantId: string | null,
  startedAt: number,
  path = '(malformed)',
): Promise<void> {
  request.resume();
  const written = writeReply(response, reply);
  deps.requestLog.append({
    method: request.method ?? 'GET',
    path,
    tenant: tenantId,
    family: 'unknown',
    status: written ? reply.status : 0,
    durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
  });
  return Promise.resolve();
}
