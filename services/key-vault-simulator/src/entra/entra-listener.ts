import { type IncomingMessage, type ServerResponse } from 'node:http';
import { MalformedPathError, type RequestTarget, nonEmpty, parseTarget } from '@vault-backup/simulator-kit';
import { type Clock } from '../clock/clock';
import { type FaultRules } from '../faults/fault-rules';
import { type Reply } from '../http/http.types';
import { writeReply } from '../http/reply-writer';
import { type CallOutcome, type PipelineDeps, runCall } from '../pipeline/faulted-call';
import { type SimulatorSwitches } from '../state/simulator-switches';
import { type AccessTokenService } from './access-token';
import { instanceDiscovery, openIdConfigurationV1, openIdConfigurationV2 } from './discovery-documents';
import { type EntraDirectory } from './entra-directory';
import { type EntraErrorContext, EntraErrors, entraError, entraHeaders } from './entra.errors';
import { handleTokenRequest } from './token-endpoint';

export interface EntraListenerDeps extends PipelineDeps {
  authorityHost: string;
  directory: EntraDirectory;
  tokens: AccessTokenService;
  faults: FaultRules;
  clock: Clock;
  switches: SimulatorSwitches;
}

type EntraRoute =
  | { operation: 'token'; tenant: string }
  | { operation: 'discovery'; answer: (context: EntraErrorContext) => Reply }
  | { operation: 'unknown' };

/**
 * The "authority host": `/{tenant}/v2.0/.well-known/openid-configuration` (what MSAL reads with
 * instance discovery off), the v1 document, the JWKS, instance discovery, and
 * `POST /{tenant}/oauth2/v2.0/token`.
 */
export function createEntraListener(
  deps: EntraListenerDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const startedAt = performance.now();
    let target: RequestTarget;
    try {
      target = parseTarget(request.url ?? '/');
    } catch (error) {
      if (!(error instanceof MalformedPathError)) throw error;
      request.resume();
      writeReply(response, {
        status: 400,
        body: { error: 'invalid_request', error_description: 'Malformed path.' },
      });
      return;
    }
    const route = routeEntraRequest(request.method ?? 'GET', target, deps);
    const context = (): EntraErrorContext => errorContext(request, deps);
    runCall(
      {
        request,
        response,
        startedAt,
        listener: 'entra',
        vault: null,
        operation: route.operation,
        path: target.path,
        faults: deps.faults,
        faultReply: (spec) => {
          if (spec.type === 'error') return EntraErrors.transient(spec.status, context());
          const reply = EntraErrors.throttled(context());
          if (spec.retryAfterSeconds === undefined) return reply;
          return { ...reply, headers: { ...reply.headers, 'retry-after': String(spec.retryAfterSeconds) } };
        },
        execute: (rawBody) => answer(route, request, rawBody, deps),
        tooLarge: () =>
          entraError(413, 'invalid_request', 90014, 'The request body is too large.', context()),
      },
      deps,
    ).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'entra request failed');
      response.destroy();
    });
  };
}

function answer(
  route: EntraRoute,
  request: IncomingMessage,
  rawBody: string,
  deps: EntraListenerDeps,
): CallOutcome {
  const context = errorContext(request, deps);
  switch (route.operation) {
    case 'token':
      return handleTokenRequest(
        {
          tenant: route.tenant,
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          rawBody,
        },
        {
          directory: deps.directory,
          tokens: deps.tokens,
          lifetimeSeconds: deps.switches.tokenLifetimeSeconds,
          errors: context,
        },
      );
    case 'discovery':
      return { reply: route.answer(context) };
    case 'unknown':
      return {
        reply: entraError(
          404,
          'invalid_request',
          90027,
          'The simulator does not serve this endpoint.',
          context,
        ),
      };
  }
}

function routeEntraRequest(method: string, target: RequestTarget, deps: EntraListenerDeps): EntraRoute {
  const segments = nonEmpty(target.segments);
  const [tenant = '', ...rest] = segments;
  const path = rest.map((segment) => segment.toLowerCase()).join('/');
  if (method === 'POST' && path === 'oauth2/v2.0/token') return { operation: 'token', tenant };
  if (method !== 'GET') return { operation: 'unknown' };
  if (tenant.toLowerCase() === 'common' && path === 'discovery/instance') {
    const endpoint = target.query.get('authorization_endpoint');
    return { operation: 'discovery', answer: () => ok(instanceDiscovery(deps.authorityHost, endpoint)) };
  }
  const document = DISCOVERY_PATHS[path];
  if (!document) return { operation: 'unknown' };
  return {
    operation: 'discovery',
    answer: (context) => {
      const known = deps.directory.getTenant(tenant);
      if (!known) return EntraErrors.discoveryTenantNotFound(tenant, context);
      return ok(document(deps, tenant, known.id));
    },
  };
}

const DISCOVERY_PATHS: Record<
  string,
  (deps: EntraListenerDeps, pathTenant: string, tenantId: string) => unknown
> = {
  'v2.0/.well-known/openid-configuration': (deps, pathTenant, tenantId) =>
    openIdConfigurationV2(deps.authorityHost, pathTenant, tenantId),
  '.well-known/openid-configuration': (deps, pathTenant, tenantId) =>
    openIdConfigurationV1(deps.authorityHost, pathTenant, tenantId),
  'discovery/v2.0/keys': (deps) => deps.tokens.jwks(),
  'discovery/keys': (deps) => deps.tokens.jwks(),
};

const ok = (body: unknown): Reply => ({ status: 200, body, headers: entraHeaders() });

function errorContext(request: IncomingMessage, deps: EntraListenerDeps): EntraErrorContext {
  const correlationId = request.headers['client-request-id'];
  return {
    authorityHost: deps.authorityHost,
    nowMs: deps.clock.now(),
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
  };
}
