import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { type z } from 'zod';
import { type CertificateFiles } from '@vault-backup/test-pki';
import { faultView, parseJsonBody, readBody } from '@vault-backup/simulator-kit';
import { SimulatedHttpError } from '../http/http.errors';
import { type Reply } from '../http/http.types';
import { writeReply } from '../http/reply-writer';
import { Router } from '../http/router';
import { type RequestLog } from '../request-log/request-log';
import { type SimulatorState } from '../state/simulator-state';
import { type TenantState } from '../state/tenant-state';
import { type WriteLog } from '../write-log/write-log';
import { ControlErrors } from './control.errors';
import {
  behaviourSchema,
  ccpAppSchema,
  clientCertificateRequestSchema,
  faultSchema,
  latencySchema,
  memberSchema,
  platformSchema,
  revokeTokensSchema,
  safeSchema,
  seedAccountSchema,
  seedSchema,
  serviceAccountSchema,
  tenantSchema,
} from './control.schemas';
import { accountView, ccpAppView, safeView, tenantView } from './control.views';
import { applySeed, putCcpApp, putMember, putPlatform, putSafe, seedAccount } from './state-commands';

/** What the control API can tell about the CCP listener's certificate authority. */
export interface CcpAuthority {
  caCertPem: string;
  /** Present only when the simulator generated the CA itself and therefore holds its key. */
  issueClientCertificate?: (commonName: string) => Promise<CertificateFiles>;
}

export interface ControlDeps {
  state: SimulatorState;
  requestLog: RequestLog;
  writeLog: WriteLog;
  logger: Logger;
  ccpAuthority?: CcpAuthority;
  env: NodeJS.ProcessEnv;
}

interface ControlContext {
  query: URLSearchParams;
  rawBody: string;
}

type ControlResult = Reply | Promise<Reply>;

// Seed documents can hold thousands of accounts.
const CONTROL_BODY_LIMIT = 64 * 1024 * 1024;

const ok = (body?: unknown): Reply => (body === undefined ? { status: 204 } : { status: 200, body });

const DEFAULT_LOG_PAGE = 10_000;

/** `?since=&tenant=&limit=` of the log routes; unparseable numbers fall back to the defaults. */
function logQuery(query: URLSearchParams): { since: number; tenant?: string; limit: number } {
  const since = Number(query.get('since') ?? '0');
  const limit = Number(query.get('limit') ?? DEFAULT_LOG_PAGE);
  const tenant = query.get('tenant') ?? undefined;
  return {
    since: Number.isFinite(since) ? since : 0,
    ...(tenant !== undefined ? { tenant } : {}),
    limit: Number.isFinite(limit) ? limit : DEFAULT_LOG_PAGE,
  };
}

function parse<S extends z.ZodType>(schema: S, context: ControlContext): z.output<S> {
  return parseJsonBody(schema, context.rawBody, ControlErrors);
}

/**
 * JSON control API under `/_control` (see the README): set up tenants, inspect accounts including
 * secrets, inject faults. It is not faulted, not authenticated and not written to the request log.
 */
export class ControlApi {
  private readonly router = new Router<ControlContext, ControlResult, 'control'>();

  constructor(private readonly deps: ControlDeps) {
    this.registerRoutes();
  }

  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    segments: readonly string[],
    query: URLSearchParams,
  ): Promise<void> {
    const rawBody = await readBody(request, CONTROL_BODY_LIMIT);
    const match = this.router.match(request.method ?? 'GET', segments);
    let reply: Reply;
    try {
      if (match.kind !== 'found') throw ControlErrors.routeNotFound();
      reply = await match.route.handle({ query, rawBody }, match.params);
    } catch (error) {
      if (!(error instanceof SimulatedHttpError)) throw error;
      reply = error.reply;
    }
    writeReply(response, reply);
  }

  private tenant(tenantId: string): TenantState {
    const tenant = this.deps.state.getTenant(tenantId);
    if (!tenant) throw ControlErrors.notFound(`tenant ${tenantId}`);
    return tenant;
  }

  private registerRoutes(): void {
    const { state, requestLog, writeLog } = this.deps;
    const r = this.router;
    r.add('GET', '/health', 'control', () => ok({ status: 'ok' }));
    r.add('POST', '/reset', 'control', () => {
      state.reset();
      requestLog.clear();
      writeLog.clear();
      return ok();
    });
    r.add('POST', '/seed', 'control', (context) => {
      applySeed(state, parse(seedSchema, context), this.deps.env);
      return ok();
    });
    this.registerTenantRoutes();
    this.registerSafeRoutes();
    this.registerAccountRoutes();
    this.registerFaultRoutes();
    this.registerLogAndCcpRoutes();
  }

  private registerTenantRoutes(): void {
    const { state } = this.deps;
    const r = this.router;
    r.add('GET', '/tenants', 'control', () =>
      ok(state.listTenants().map((tenant) => tenantView(tenant, state))),
    );
    r.add('PUT', '/tenants/:tenant', 'control', (context, [tenantId = '']) => {
      const input = parse(tenantSchema, context);
      const tenant = state.getOrCreateTenant(tenantId);
      if (input.behaviour) tenant.updateBehaviour(input.behaviour);
      return ok(tenantView(tenant, state));
    });
    r.add('PATCH', '/tenants/:tenant/behaviour', 'control', (context, [tenantId = '']) => {
      const tenant = this.tenant(tenantId);
      tenant.updateBehaviour(parse(behaviourSchema, context));
      return ok({ ...tenant.behaviour });
    });
    r.add('GET', '/tenants/:tenant', 'control', (_context, [tenantId = '']) =>
      ok(tenantView(this.tenant(tenantId), state)),
    );
    r.add('DELETE', '/tenants/:tenant', 'control', (_context, [tenantId = '']) => {
      if (!state.deleteTenant(tenantId)) throw ControlErrors.notFound(`tenant ${tenantId}`);
      return ok();
    });
    r.add(
      'PUT',
      '/tenants/:tenant/service-accounts/:clientId',
      'control',
      (context, [tenantId = '', clientId = '']) => {
        const input = parse(serviceAccountSchema, context);
        this.tenant(tenantId).putServiceAccount(
          clientId,
          input.clientSecret,
          input.isOauthConfidentialClient,
        );
        return ok({ clientId, isOauthConfidentialClient: input.isOauthConfidentialClient });
      },
    );
    r.add(
      'DELETE',
      '/tenants/:tenant/service-accounts/:clientId',
      'control',
      (_context, [tenantId = '', clientId = '']) => {
        const tenant = this.tenant(tenantId);
        if (!tenant.deleteServiceAccount(clientId))
          throw ControlErrors.notFound(`service account ${clientId}`);
        state.revokeTokens(tenant.id, clientId);
        return ok();
      },
    );
    r.add('POST', '/tenants/:tenant/tokens/revoke', 'control', (context, [tenantId = '']) => {
      const { clientId } = parse(revokeTokensSchema, context);
      return ok({ revoked: state.revokeTokens(this.tenant(tenantId).id, clientId) });
    });
    r.add(
      'PUT',
      '/tenants/:tenant/platforms/:platformId',
      'control',
      (context, [tenantId = '', platformId = '']) =>
        ok({ ...putPlatform(this.tenant(tenantId), platformId, parse(platformSchema, context)) }),
    );
    r.add('PUT', '/tenants/:tenant/ccp-apps/:appId', 'control', (context, [tenantId = '', appId = '']) =>
      ok(ccpAppView(putCcpApp(state, this.tenant(tenantId), appId, parse(ccpAppSchema, context)))),
    );
    r.add(
      'DELETE',
      '/tenants/:tenant/ccp-apps/:appId',
      'control',
      (_context, [tenantId = '', appId = '']) => {
        const app = state.getCcpApp(appId);
        if (!app || app.tenantId !== this.tenant(tenantId).id)
          throw ControlErrors.notFound(`CCP app ${appId}`);
        state.deleteCcpApp(appId);
        return ok();
      },
    );
  }

  private registerSafeRoutes(): void {
    const r = this.router;
    r.add('GET', '/tenants/:tenant/safes', 'control', (_context, [tenantId = '']) =>
      ok(this.tenant(tenantId).listSafes().map(safeView)),
    );
    r.add('PUT', '/tenants/:tenant/safes/:safeName', 'control', (context, [tenantId = '', safeName = '']) =>
      ok(safeView(putSafe(this.tenant(tenantId), safeName, parse(safeSchema, context)))),
    );
    r.add(
      'PUT',
      '/tenants/:tenant/safes/:safeName/members/:memberName',
      'control',
      (context, [tenantId = '', safeName = '', memberName = '']) => {
        const tenant = this.tenant(tenantId);
        const safe = tenant.getSafe(safeName);
        if (!safe) throw ControlErrors.notFound(`safe ${safeName}`);
        putMember(tenant, safe, memberName, parse(memberSchema, context));
        return ok(safeView(safe));
      },
    );
    r.add(
      'DELETE',
      '/tenants/:tenant/safes/:safeName/members/:memberName',
      'control',
      (_context, [tenantId = '', safeName = '', memberName = '']) => {
        const tenant = this.tenant(tenantId);
        const safe = tenant.getSafe(safeName);
        if (!safe || !tenant.deleteMember(safe, memberName))
          throw ControlErrors.notFound(`member ${memberName} of ${safeName}`);
        return ok();
      },
    );
  }

  private registerAccountRoutes(): void {
    const r = this.router;
    r.add('GET', '/tenants/:tenant/accounts', 'control', (context, [tenantId = '']) => {
      const tenant = this.tenant(tenantId);
      const safeName = context.query.get('safeName');
      const safes =
        safeName === null
          ? tenant.listSafes()
          : [tenant.getSafe(safeName)].filter((safe) => safe !== undefined);
      return ok(safes.flatMap((safe) => [...safe.accounts.values()].map(accountView)));
    });
    r.add(
      'GET',
      '/tenants/:tenant/accounts/:accountId',
      'control',
      (_context, [tenantId = '', accountId = '']) => {
        const found = this.tenant(tenantId).findAccount(accountId);
        if (!found) throw ControlErrors.notFound(`account ${accountId}`);
        return ok(accountView(found.account));
      },
    );
    r.add('POST', '/tenants/:tenant/accounts', 'control', (context, [tenantId = '']) => ({
      status: 201,
      body: accountView(seedAccount(this.tenant(tenantId), parse(seedAccountSchema, context))),
    }));
  }

  private registerFaultRoutes(): void {
    const r = this.router;
    r.add('POST', '/tenants/:tenant/faults', 'control', (context, [tenantId = '']) => ({
      status: 201,
      body: faultView(this.tenant(tenantId).faults.add(parse(faultSchema, context))),
    }));
    r.add('GET', '/tenants/:tenant/faults', 'control', (_context, [tenantId = '']) =>
      ok(this.tenant(tenantId).faults.list().map(faultView)),
    );
    r.add('DELETE', '/tenants/:tenant/faults', 'control', (_context, [tenantId = '']) => {
      this.tenant(tenantId).faults.clear();
      return ok();
    });
    r.add(
      'DELETE',
      '/tenants/:tenant/faults/:faultId',
      'control',
      (_context, [tenantId = '', faultId = '']) => {
        if (!this.tenant(tenantId).faults.remove(faultId)) throw ControlErrors.notFound(`fault ${faultId}`);
        return ok();
      },
    );
    r.add('PUT', '/tenants/:tenant/latency', 'control', (context, [tenantId = '']) => {
      const { rules } = parse(latencySchema, context);
      this.tenant(tenantId).latency.set(rules);
      return ok({ rules });
    });
    r.add('DELETE', '/tenants/:tenant/latency', 'control', (_context, [tenantId = '']) => {
      this.tenant(tenantId).latency.clear();
      return ok();
    });
  }

  private registerLogAndCcpRoutes(): void {
    const { requestLog, writeLog } = this.deps;
    const r = this.router;
    r.add('GET', '/requests', 'control', (context) => {
      const { since, tenant, limit } = logQuery(context.query);
      return ok(requestLog.read(since, tenant, limit));
    });
    r.add('DELETE', '/requests', 'control', () => {
      requestLog.clear();
      return ok();
    });
    r.add('GET', '/write-log', 'control', (context) => {
      const { since, tenant, limit } = logQuery(context.query);
      return ok(writeLog.read(since, tenant, limit));
    });
    r.add('DELETE', '/write-log', 'control', () => {
      writeLog.clear();
      return ok();
    });
    r.add('GET', '/ccp/ca', 'control', () => {
      const authority = this.deps.ccpAuthority;
      if (!authority) throw ControlErrors.notFound('the CCP listener');
      return ok({ caCertPem: authority.caCertPem });
    });
    r.add('POST', '/ccp/client-certificates', 'control', async (context) => {
      const issue = this.deps.ccpAuthority?.issueClientCertificate;
      if (!issue)
        throw ControlErrors.conflict(
          'the CCP CA was supplied from outside; its key is not available to issue certificates',
        );
      const { commonName } = parse(clientCertificateRequestSchema, context);
      const { certPem, keyPem, serialNumber, fingerprint256 } = await issue(commonName);
      return { status: 201, body: { certPem, keyPem, serialNumber, fingerprint256 } };
    });
  }
}
