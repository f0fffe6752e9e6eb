import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import {
  faultView,
  MalformedPathError,
  nonEmpty,
  parseTarget,
  PayloadTooLargeError,
  readBody,
} from '@vault-backup/simulator-kit';
import { type Reply } from '../http/http.types';
import { writeReply } from '../http/reply-writer';
import { Router } from '../http/router';
import { type SimulatorState } from '../state/simulator-state';
import { type Vault } from '../vault/vault';
import { type ControlContext, logQuery, param, parse, roleParam } from './control.input';
import { ControlError, ControlErrors } from './control.errors';
import {
  appSchema,
  clientIdSchema,
  clockSchema,
  entraFaultSchema,
  keySchema,
  keyUpdateSchema,
  roleAssignmentSchema,
  seedSchema,
  switchesSchema,
  tenantIdSchema,
  throttleSchema,
  vaultFaultSchema,
  vaultSchema,
} from './control.schemas';
import { keyVersionView, keyView, throttleView, vaultAddressView, vaultView } from './control.views';
import { applySeed, configureThrottle, createKey, createVault, rotateKey } from './state-commands';

type Handler = (context: ControlContext, params: readonly string[]) => Reply | Promise<Reply>;

const CONTROL_BODY_LIMIT = 8 * 1024 * 1024;
const PREFIX = '_control';

const ok = (body?: unknown): Reply => (body === undefined ? { status: 204 } : { status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });

export interface ControlApiOptions {
  logger: Logger;
  /** Where seed documents' `clientSecretEnv` variables are read. */
  env: NodeJS.ProcessEnv;
  /** Shown in `GET /state`. */
  frontDoor: { host: string; port: number };
}

/**
 * The control API (plain HTTP, own port, under `/_control`): set up tenants, apps, vaults, keys
 * and roles; inject faults; flip switches; move the clock; read counters and the request log. It
 * is not faulted, not authenticated and not written to the request log. See the README.
 */
export class ControlApi {
  private readonly router = new Router<Handler>();
  private readonly logger: Logger;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly state: SimulatorState,
    private readonly options: ControlApiOptions,
  ) {
    this.logger = options.logger;
    this.env = options.env;
    this.registerSetupRoutes();
    this.registerVaultRoutes();
    this.registerKeyRoutes();
    this.registerFaultRoutes();
    this.registerObservationRoutes();
  }

  listener(): (request: IncomingMessage, response: ServerResponse) => void {
    return (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error({ err: error }, 'control request failed');
        writeReply(response, {
          status: 500,
          body: { error: 'internal', message: 'simulator bug; see its log' },
        });
      });
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const rawBody = await readBody(request, CONTROL_BODY_LIMIT);
      const target = parseTarget(request.url ?? '/');
      const [prefix, ...segments] = nonEmpty(target.segments);
      if (prefix !== PREFIX) throw ControlErrors.routeNotFound();
      const match = this.router.match(request.method ?? 'GET', segments);
      if (match.kind === 'not-found') throw ControlErrors.routeNotFound();
      if (match.kind === 'method-not-allowed') throw ControlErrors.methodNotAllowed();
      reply = await match.handler({ query: target.query, rawBody }, match.params);
    } catch (error) {
      if (error instanceof MalformedPathError || error instanceof PayloadTooLargeError) {
        reply = ControlErrors.badInput(error.message).reply;
      } else if (error instanceof ControlError) reply = error.reply;
      else throw error;
    }
    writeReply(response, reply);
  }

  private vault(name: string | undefined): Vault {
    const vault = name === undefined ? undefined : this.state.vaults.get(name);
    if (!vault) throw ControlErrors.notFound(`vault ${String(name)}`);
    return vault;
  }

  private registerSetupRoutes(): void {
    const { state } = this;
    this.router
      .add('GET', '/health', () => ok({ status: 'ok' }))
      .add('GET', '/state', () =>
        ok({
          authorityHost: state.authorityHost,
          frontDoor: { ...this.options.frontDoor },
          tenants: state.directory.listTenants().map((tenant) => ({
            tenantId: tenant.id,
            apps: [...tenant.apps.values()].map(({ clientId, objectId }) => ({ clientId, objectId })),
          })),
          vaults: state.vaults.list().map(vaultView),
          switches: { ...state.switches },
          clock: { offsetMs: state.clock.offset, now: state.clock.now() },
        }),
      )
      .add('POST', '/reset', async () => {
        await state.reset();
        return ok();
      })
      .add('POST', '/seed', async (context) => {
        const vaults = await applySeed(state, parse(seedSchema, context), this.env);
        return ok({ vaults: vaults.map(vaultAddressView) });
      })
      .add('PUT', '/tenants/:tenant', (_context, [tenant]) => {
        const created = state.directory.ensureTenant(param(tenantIdSchema, tenant, 'tenant'));
        return ok({ tenantId: created.id });
      })
      .add('PUT', '/tenants/:tenant/apps/:clientId', (context, [tenant, clientId]) => {
        const { clientSecret } = parse(appSchema, context);
        const app = state.directory.putApp(
          param(tenantIdSchema, tenant, 'tenant'),
          param(clientIdSchema, clientId, 'clientId'),
          clientSecret,
        );
        return ok({ tenantId: app.tenantId, clientId: app.clientId, objectId: app.objectId });
      })
      .add('DELETE', '/tenants/:tenant/apps/:clientId', (_context, [tenant = '', clientId = '']) => {
        if (!state.directory.deleteApp(tenant, clientId))
          throw ControlErrors.notFound(`app ${clientId} in tenant ${tenant}`);
        return ok();
      })
      .add('GET', '/switches', () => ok({ ...state.switches }))
      .add('PATCH', '/switches', (context) => ok({ ...state.updateSwitches(parse(switchesSchema, context)) }))
      .add('GET', '/clock', () => ok({ offsetMs: state.clock.offset, now: state.clock.now() }))
      .add('POST', '/clock', (context) => {
        state.clock.advance(parse(clockSchema, context).advanceMs);
        return ok({ offsetMs: state.clock.offset, now: state.clock.now() });
      })
      .add('DELETE', '/clock', () => {
        state.clock.reset();
        return ok();
      });
  }

  private registerVaultRoutes(): void {
    const { state } = this;
    this.router
      .add('POST', '/vaults', async (context) =>
        created(vaultView(await createVault(state, parse(vaultSchema, context)))),
      )
      .add('GET', '/vaults', () => ok(state.vaults.list().map(vaultView)))
      .add('GET', '/vaults/:vault', (_context, [vault]) => ok(vaultView(this.vault(vault))))
      .add('DELETE', '/vaults/:vault', async (_context, [vault]) => {
        const found = this.vault(vault);
        await state.vaults.delete(found.name);
        state.counters.forget(found.name);
        return ok();
      })
      .add('PATCH', '/vaults/:vault/throttle', (context, [vault]) => {
        const found = this.vault(vault);
        configureThrottle(found, parse(throttleSchema, context));
        return ok(throttleView(found));
      })
      .add('DELETE', '/vaults/:vault/throttle/window', (_context, [vault]) => {
        this.vault(vault).throttle.reset();
        return ok();
      })
      .add('GET', '/vaults/:vault/role-assignments', (_context, [vault]) =>
        ok(this.vault(vault).roles.list()),
      )
      .add('POST', '/vaults/:vault/role-assignments', (context, [vault]) => {
        const found = this.vault(vault);
        const { clientId, role } = parse(roleAssignmentSchema, context);
        found.roles.assign(clientId, role);
        return created({ clientId, roles: found.roles.rolesOf(clientId) });
      })
      .add('DELETE', '/vaults/:vault/role-assignments/:clientId', (_context, [vault, clientId = '']) => {
        if (!this.vault(vault).roles.remove(clientId))
          throw ControlErrors.notFound(`role assignments of ${clientId}`);
        return ok();
      })
      .add(
        'DELETE',
        '/vaults/:vault/role-assignments/:clientId/:role',
        (_context, [vault, clientId = '', role]) => {
          if (!this.vault(vault).roles.remove(clientId, roleParam(role))) {
            throw ControlErrors.notFound(`role ${String(role)} of ${clientId}`);
          }
          return ok();
        },
      );
  }

  private registerKeyRoutes(): void {
    const { state } = this;
    this.router
      .add('POST', '/vaults/:vault/keys', async (context, [vault]) => {
        const found = this.vault(vault);
        return created(keyVersionView(found, await createKey(state, found, parse(keySchema, context))));
      })
      .add('GET', '/vaults/:vault/keys/:name', (_context, [vault, name = '']) => {
        const found = this.vault(vault);
        const stored = found.keys.get(name);
        if (!stored) throw ControlErrors.notFound(`key ${name}`);
        return ok(keyView(found, stored));
      })
      .add('POST', '/vaults/:vault/keys/:name/rotate', async (_context, [vault, name = '']) => {
        const found = this.vault(vault);
        return created(keyVersionView(found, await rotateKey(state, found, name)));
      })
      .add('PATCH', '/vaults/:vault/keys/:name', (context, [vault, name = '']) =>
        this.updateKey(context, vault, name),
      )
      .add(
        'PATCH',
        '/vaults/:vault/keys/:name/versions/:version',
        (context, [vault, name = '', version = '']) => this.updateKey(context, vault, name, version),
      )
      .add('DELETE', '/vaults/:vault/keys/:name', (_context, [vault, name = '']) => {
        if (!this.vault(vault).keys.delete(name)) throw ControlErrors.notFound(`key ${name}`);
        return ok();
      });
  }

  private updateKey(
    context: ControlContext,
    vaultName: string | undefined,
    name: string,
    version?: string,
  ): Reply {
    const vault = this.vault(vaultName);
    const change = parse(keyUpdateSchema, context);
    const updated = vault.keys.update(name, version, change, Math.floor(this.state.clock.now() / 1000));
    if (!updated) throw ControlErrors.notFound(`key ${name}${version ? ` version ${version}` : ''}`);
    return ok(keyVersionView(vault, updated));
  }

  private registerFaultRoutes(): void {
    const { state } = this;
    this.router
      .add('POST', '/entra/faults', (context) =>
        created(faultView(state.entraFaults.add(parse(entraFaultSchema, context)))),
      )
      .add('GET', '/entra/faults', () => ok(state.entraFaults.list().map(faultView)))
      .add('DELETE', '/entra/faults', () => {
        state.entraFaults.clear();
        return ok();
      })
      .add('DELETE', '/entra/faults/:id', (_context, [id = '']) => {
        if (!state.entraFaults.remove(id)) throw ControlErrors.notFound(`fault ${id}`);
        return ok();
      })
      .add('POST', '/vaults/:vault/faults', (context, [vault]) =>
        created(faultView(this.vault(vault).faults.add(parse(vaultFaultSchema, context)))),
      )
      .add('GET', '/vaults/:vault/faults', (_context, [vault]) =>
        ok(this.vault(vault).faults.list().map(faultView)),
      )
      .add('DELETE', '/vaults/:vault/faults', (_context, [vault]) => {
        this.vault(vault).faults.clear();
        return ok();
      })
      .add('DELETE', '/vaults/:vault/faults/:id', (_context, [vault, id = '']) => {
        if (!this.vault(vault).faults.remove(id)) throw ControlErrors.notFound(`fault ${id}`);
        return ok();
      });
  }

  private registerObservationRoutes(): void {
    const { state } = this;
    this.router
      .add('GET', '/counters', () => ok(state.counters.snapshot()))
      .add('DELETE', '/counters', () => {
        state.counters.reset();
        return ok();
      })
      .add('GET', '/held-requests', () => ok({ held: state.held.size }))
      .add('POST', '/held-requests/drop', () => ok({ dropped: state.held.dropAll() }))
      .add('GET', '/requests', (context) => ok(state.requestLog.read(logQuery(context.query))))
      .add('DELETE', '/requests', () => {
        state.requestLog.clear();
        return ok();
      });
  }
}
