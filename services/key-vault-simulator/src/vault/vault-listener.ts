import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { MalformedPathError, type RequestTarget, parseTarget } from '@vault-backup/simulator-kit';
import { type Clock, unixSeconds } from '../clock/clock';
import { AccessTokenService } from '../entra/access-token';
import { type Reply } from '../http/http.types';
import { writeReply } from '../http/reply-writer';
import { type CallOutcome, type PipelineDeps, runCall } from '../pipeline/faulted-call';
import { type SimulatorSwitches } from '../state/simulator-switches';
import { limitNameFor } from '../throttle/throttle-limits';
import { checkApiVersion } from './api-version';
import { authenticateBearer, challengeHeader } from './bearer-auth';
import { cryptoOperation, getKey } from './key-operations';
import { KeyVaultErrors } from './key-vault.errors';
import { type Vault } from './vault';
import { type VaultEntrance } from './vault-entrance';
import { type VaultRoute, routeVaultRequest } from './vault-routes';

export interface VaultListenerDeps extends PipelineDeps {
  authorityHost: string;
  tokens: AccessTokenService;
  clock: Clock;
  switches: SimulatorSwitches;
}

type KeyRoute = Extract<VaultRoute, { kind: 'key' }>;

/** The loopback listener of one vault: `https://127.0.0.1:<port>`, key ids in that form. */
export function createVaultListener(
  vault: Vault,
  deps: VaultListenerDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => serveVaultRequest(vault, 'direct', deps, request, response);
}

/**
 * One request to a vault, from its loopback listener or the front door (`entrance` decides the
 * host of the key ids in the answer). After faults: authenticate (401 + challenge), api-version
 * (400), route (501 for what is not modelled), throttle (429), RBAC (403), then the key operation.
 */
export function serveVaultRequest(
  vault: Vault,
  entrance: VaultEntrance,
  deps: VaultListenerDeps,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const startedAt = performance.now();
  let target: RequestTarget;
  try {
    target = parseTarget(request.url ?? '/');
  } catch (error) {
    if (!(error instanceof MalformedPathError)) throw error;
    request.resume();
    writeReply(
      response,
      withVaultHeaders(KeyVaultErrors.badParameter('The request URI is malformed.'), request),
    );
    return;
  }
  const route = routeVaultRequest(request.method ?? 'GET', target.segments);
  runCall(
    {
      request,
      response,
      startedAt,
      listener: 'vault',
      vault: vault.name,
      via: entrance,
      operation: route.kind === 'key' ? route.operation : 'unknown',
      path: target.path,
      faults: vault.faults,
      faultReply: (spec) =>
        withVaultHeaders(
          spec.type === 'throttle'
            ? KeyVaultErrors.throttled(spec.retryAfterSeconds)
            : KeyVaultErrors.serviceError(spec.status),
          request,
        ),
      execute: (rawBody) => {
        const outcome = handleVaultRequest({ vault, entrance, deps, route, target, request, rawBody });
        return { ...outcome, reply: withVaultHeaders(outcome.reply, request) };
      },
      tooLarge: () => withVaultHeaders(KeyVaultErrors.payloadTooLarge(), request),
    },
    deps,
  ).catch((error: unknown) => {
    deps.logger.error({ err: error, vault: vault.name }, 'vault request failed');
    response.destroy();
  });
}

interface VaultRequest {
  vault: Vault;
  entrance: VaultEntrance;
  deps: VaultListenerDeps;
  route: VaultRoute;
  target: RequestTarget;
  request: IncomingMessage;
  rawBody: string;
}

/** Everything after the faults, in Key Vault's order. */
function handleVaultRequest(call: VaultRequest): CallOutcome {
  const { vault, deps, route, target, request, rawBody } = call;
  const nowMs = deps.clock.now();
  const issuer = AccessTokenService.issuerFor(deps.authorityHost, vault.tenantId);
  const expected = { issuer, audience: vault.cloud.resource };
  const auth = authenticateBearer(request.headers.authorization, expected, deps.tokens, nowMs);
  if (!auth.ok) {
    const challenge = {
      'www-authenticate': challengeHeader(deps.authorityHost, vault.tenantId, vault.cloud.resource),
    };
    return { reply: { ...auth.reply, headers: challenge }, challenged: true };
  }
  const { caller } = auth;
  const answer = (reply: Reply): CallOutcome => ({ reply, clientId: caller.clientId });
  const versionError = checkApiVersion(target.query, deps.switches.requireApiVersion);
  if (versionError) return answer(versionError);
  if (route.kind === 'unknown') {
    return answer(KeyVaultErrors.notImplemented(request.method ?? 'GET', target.path));
  }
  const throttled = admit(vault, route, deps.switches);
  if (throttled) return answer(throttled);
  const access = vault.roles.decide(caller.clientId, route.operation);
  if (!access.allowed) {
    const denial = { ...caller, dataAction: access.dataAction, vault: vault.name, keyName: route.name };
    return answer(KeyVaultErrors.forbiddenByRbac(denial));
  }
  const baseUrl = vault.urlVia(call.entrance);
  return answer(runKeyOperation(vault, baseUrl, route, rawBody, unixSeconds(nowMs), deps.switches));
}

/** Key Vault's headers on any answer of a vault host, the front door's refusals included. */
export function withVaultHeaders(reply: Reply, request: IncomingMessage): Reply {
  return { ...reply, headers: { ...vaultHeaders(request), ...reply.headers } };
}

function admit(vault: Vault, route: KeyRoute, switches: SimulatorSwitches): Reply | undefined {
  const key = vault.keys.find(route.name, route.version);
  const decision = vault.throttle.tryAdmit(limitNameFor(key?.material));
  if (decision.admitted) return undefined;
  return KeyVaultErrors.throttled(switches.throttleRetryAfter ? decision.retryAfterSeconds : undefined);
}

function runKeyOperation(
  vault: Vault,
  vaultUrl: string,
  route: KeyRoute,
  rawBody: string,
  nowSeconds: number,
  switches: SimulatorSwitches,
): Reply {
  const request = {
    keys: vault.keys,
    vaultUrl,
    name: route.name,
    version: route.version,
    nowSeconds,
    disabledKeyAllowsPublicOps: switches.disabledKeyAllowsPublicOps,
  };
  return route.operation === 'getKey' ? getKey(request) : cryptoOperation(request, route.operation, rawBody);
}

/** The headers Key Vault puts on every answer (the 429 of vcsjones/AzureSignTool#219 shows them). */
function vaultHeaders(request: IncomingMessage): Record<string, string> {
  const clientRequestId = request.headers['x-ms-client-request-id'];
  return {
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'x-ms-keyvault-region': 'simulator',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': '1.9.0.0',
    'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
    'x-content-type-options': 'nosniff',
    'strict-transport-security': 'max-age=31536000;includeSubDomains',
    ...(typeof clientRequestId === 'string' ? { 'x-ms-client-request-id': clientRequestId } : {}),
  };
}
