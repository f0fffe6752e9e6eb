import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A small in-test stand-in for Identity + Privilege Cloud on a loopback port. It keeps accounts in
 * memory and behaves like the documented API by default; a test changes one behaviour at a time by
 * pushing a handler with `intercept` (return undefined to fall through to the default).
 * It is not the simulator: it exists so the client's own tests need no other process.
 */

export interface FakeRequest {
  readonly method: string;
  /** Path below the tenant prefix, e.g. `/pcloud/PasswordVault/API/Accounts`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** `performance.now()` when the request arrived, to measure client-side waits. */
  readonly receivedAt: number;
}

export interface FakeReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly delayMs?: number;
  /** Drop the connection instead of answering (after any side effect of the default behaviour). */
  readonly destroy?: boolean;
}

export type FakeHandler = (request: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeAccount {
  id: string;
  name: string;
  safeName: string;
  platformId: string;
  address?: string;
  userName?: string;
  secretType: string;
  platformAccountProperties: Record<string, string>;
  secretManagement: Record<string, unknown>;
  createdTime: number;
  /** Kept to assert what was stored; never returned. */
  secret: string;
}

export interface FakePlatform {
  id: string;
  required: string[];
  optional: string[];
}

export const FAKE_CLIENT_ID = 'svc@cyberark.cloud.1312';
export const FAKE_CLIENT_SECRET = 'fake-client-secret-value';

export class FakePrivilegeCloud {
  readonly requests: FakeRequest[] = [];
  readonly accounts = new Map<string, FakeAccount>();
  readonly safes = new Set<string>(['Backup']);
  readonly platforms: FakePlatform[] = [
    { id: 'WinDomain', required: ['Address', 'Username'], optional: ['Port', 'LogonDomain'] },
    { id: 'WinDomainLegacy', required: ['Address'], optional: [] },
  ];
  /** `expires_in` sent with tokens; undefined omits it. */
  tokenLifetimeSeconds: number | undefined = 3600;
  /** Status used for PASWS027E (CyberArk's is undocumented: 409 and 400 both seen in fixtures). */
  duplicateStatus: 409 | 400 = 409;
  tokenRequests = 0;
  readonly #validTokens = new Set<string>();
  readonly #handlers: FakeHandler[] = [];
  #nextAccount = 1;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<FakePrivilegeCloud> {
    const server = createServer();
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakePrivilegeCloud(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void fake.handle(req, res);
    });
    return fake;
  }

  get identityUrl(): string {
    return `${this.origin}/t/acme/identity`;
  }

  get privilegeCloudUrl(): string {
    return `${this.origin}/t/acme/pcloud`;
  }

  /** Handlers run newest first; the first that answers wins. */
  intercept(handler: FakeHandler): void {
    this.#handlers.unshift(handler);
  }

  revokeAllTokens(): void {
    this.#validTokens.clear();
  }

  apiRequests(pathPattern: RegExp, method?: string): FakeRequest[] {
    return this.requests.filter(
      (r) => pathPattern.test(r.path) && (method === undefined || r.method === method),
    );
  }

  seedAccounts(safeName: string, count: number, prefix = 'seed'): void {
    for (let index = 0; index < count; index += 1) {
      this.#store({ name: `${prefix}-${index}`, safeName, platformId: 'WinDomain', secret: 'x' });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req);
    this.requests.push(request);
    let reply: FakeReply | undefined;
    for (const handler of this.#handlers) {
      reply = await handler(request);
      if (reply !== undefined) break;
    }
    reply ??= this.defaultReply(request);
    if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.destroy === true) {
      req.socket.destroy();
      return;
    }
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const type = typeof reply.body === 'string' ? 'text/html' : 'application/json';
    res.writeHead(reply.status, { 'Content-Type': type, ...reply.headers });
    res.end(text);
  }

  /** The documented behaviour; exported so an intercepting handler can do it and then misbehave. */
  defaultReply(request: FakeRequest): FakeReply {
    const path = request.path.toLowerCase().replace(/\/+$/, '');
    if (path === '/t/acme/identity/oauth2/platformtoken' && request.method === 'POST')
      return this.token(request);
    const api = '/t/acme/pcloud/passwordvault/api/';
    if (!path.startsWith(api))
      return { status: 404, body: '<html><title>404 - File or directory not found.</title></html>' };
    if (!this.#authorised(request)) return { status: 401 };
    const segments = request.path.replace(/\/+$/, '').split('/').slice(6).map(decodeURIComponent);
    return this.api(request, segments);
  }

  private token(request: FakeRequest): FakeReply {
    this.tokenRequests += 1;
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== FAKE_CLIENT_ID || form.get('client_secret') !== FAKE_CLIENT_SECRET) {
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'Invalid client credentials' },
      };
    }
    const token = `tok-${randomUUID()}`;
    this.#validTokens.add(token);
    const body: Record<string, unknown> = { access_token: token, token_type: 'Bearer' };
    if (this.tokenLifetimeSeconds !== undefined) body['expires_in'] = this.tokenLifetimeSeconds;
    return { status: 200, body };
  }

  private api(request: FakeRequest, segments: string[]): FakeReply {
    const [collection, id, sub1, sub2] = segments;
    const kind = collection?.toLowerCase();
    if (kind === 'accounts' && id === undefined)
      return request.method === 'POST' ? this.addAccount(request) : this.listAccounts(request);
    if (kind === 'accounts' && sub1 === undefined) return this.account(request, id ?? '');
    if (kind === 'accounts' && sub1?.toLowerCase() === 'password' && sub2?.toLowerCase() === 'update') {
      return this.passwordUpdate(request, id ?? '');
    }
    if (kind === 'safes') return this.safe(segments.slice(1));
    if (kind === 'platforms') return this.platformsReply(request);
    return { status: 404, body: { ErrorCode: 'PASWS000E', ErrorMessage: 'no such route' } };
  }

  private listAccounts(request: FakeRequest): FakeReply {
    const filter = /^safeName eq (.+)$/i.exec(request.query.get('filter') ?? '');
    const limit = Number(request.query.get('limit') ?? 50);
    const offset = Number(request.query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return {
        status: 400,
        body: {
          ErrorCode: 'PASWS167E',
          ErrorMessage: 'There are some invalid parameters',
          Details: [{ ParameterName: 'limit' }],
        },
      };
    }
    const all = [...this.accounts.values()].filter(
      (a) => filter === null || a.safeName.toLowerCase() === filter[1]?.toLowerCase(),
    );
    const page = all.slice(offset, offset + limit).map(publicAccount);
    const body: Record<string, unknown> = { value: page, count: all.length };
    if (offset + limit < all.length) {
      const next = new URLSearchParams(request.query);
      next.set('offset', String(offset + limit));
      body['nextLink'] = `api/Accounts?${next.toString().replaceAll('+', '%20')}`;
    }
    return { status: 200, body };
  }

  private addAccount(request: FakeRequest): FakeReply {
    const body = JSON.parse(request.body) as Partial<FakeAccount> & { secret?: string };
    if (body.safeName === undefined || !this.safes.has(body.safeName)) {
      return {
        status: 400,
        body: {
          ErrorCode: 'PASWS167E',
          ErrorMessage: 'There are some invalid parameters',
          Details: [
            {
              ParameterName: 'safeName',
              ErrorCode: 'PASWS031E',
              ErrorMessage: `Safe [${body.safeName}] was not found`,
            },
          ],
        },
      };
    }
    const clash = [...this.accounts.values()].find(
      (a) => a.safeName === body.safeName && a.name === body.name,
    );
    if (clash !== undefined) {
      return {
        status: this.duplicateStatus,
        body: { ErrorCode: 'PASWS027E', ErrorMessage: `Object with name ${body.name} already exists.` },
      };
    }
    const platform = this.platforms.find((p) => p.id === body.platformId);
    if (platform === undefined)
      return {
        status: 400,
        body: { ErrorCode: 'PASWS167E', ErrorMessage: `Platform [${body.platformId}] was not found` },
      };
    const unknown = Object.keys(body.platformAccountProperties ?? {}).find(
      (k) => ![...platform.required, ...platform.optional].includes(k),
    );
    if (unknown !== undefined) {
      return {
        status: 400,
        body: { ErrorCode: 'PASWS999E', ErrorMessage: `${unknown} is not valid for the specific platform` },
      };
    }
    return { status: 201, body: publicAccount(this.#store(body)) };
  }

  private account(request: FakeRequest, id: string): FakeReply {
    const account = this.accounts.get(id);
    if (account === undefined)
      return { status: 404, body: { ErrorCode: 'PASWS211E', ErrorMessage: 'Account not found' } };
    if (request.method === 'DELETE') {
      this.accounts.delete(id);
      return { status: 204 };
    }
    if (request.method === 'PATCH') return this.patch(account, JSON.parse(request.body) as PatchOp[]);
    return { status: 200, body: publicAccount(account) };
  }

  private patch(account: FakeAccount, ops: PatchOp[]): FakeReply {
    for (const op of ops) {
      const property = /^\/platformAccountProperties\/(.+)$/.exec(op.path)?.[1];
      if (property !== undefined) {
        // RFC 6902, strictly: replace and remove need the path to exist.
        if (op.op !== 'add' && !(property in account.platformAccountProperties)) {
          return { status: 400, body: { ErrorCode: 'PASWS164E', ErrorMessage: 'Property does not exist' } };
        }
        if (op.op === 'remove') delete account.platformAccountProperties[property];
        else account.platformAccountProperties[property] = String(op.value);
        continue;
      }
      const field = op.path.slice(1) as 'name' | 'address' | 'userName' | 'platformId';
      account[field] = String(op.value);
    }
    return { status: 200, body: publicAccount(account) };
  }

  private passwordUpdate(request: FakeRequest, id: string): FakeReply {
    const account = this.accounts.get(id);
    if (account === undefined)
      return { status: 404, body: { ErrorCode: 'PASWS211E', ErrorMessage: 'Account not found' } };
    const body = JSON.parse(request.body) as { NewCredentials?: string };
    if (typeof body.NewCredentials !== 'string') {
      return {
        status: 400,
        body: { ErrorCode: 'PASWS167E', ErrorMessage: 'Missing mandatory parameter [NewCredentials]' },
      };
    }
    account.secret = body.NewCredentials.trim();
    return { status: 200 };
  }

  private safe(segments: string[]): FakeReply {
    const [name, members, member] = segments;
    if (name === undefined || !this.safes.has(name)) {
      return {
        status: 404,
        body: { ErrorCode: 'SFWS0007', ErrorMessage: `Safe ${name} has been deleted or does not exist.` },
      };
    }
    const memberBody = {
      safeName: name,
      memberName: FAKE_CLIENT_ID,
      memberType: 'User',
      permissions: {
        listAccounts: true,
        addAccounts: true,
        updateAccountContent: true,
        updateAccountProperties: true,
      },
    };
    if (members === undefined)
      return { status: 200, body: { safeUrlId: name, safeName: name, safeNumber: 7, location: '\\' } };
    if (member === undefined) return { status: 200, body: { value: [memberBody], count: 1 } };
    if (member !== FAKE_CLIENT_ID)
      return {
        status: 404,
        body: {
          ErrorCode: 'SFWS0015',
          ErrorMessage: `Member [${member}] is not a member of Safe [${name}].`,
        },
      };
    return { status: 200, body: memberBody };
  }

  private platformsReply(request: FakeRequest): FakeReply {
    const search = (request.query.get('Search') ?? '').toLowerCase();
    const matches = this.platforms.filter((p) => p.id.toLowerCase().includes(search));
    return {
      status: 200,
      body: {
        Platforms: matches.map((p) => ({
          general: { id: p.id, name: `${p.id} platform`, active: true, platformType: 'regular' },
          properties: {
            required: p.required.map((name) => ({ name })),
            optional: p.optional.map((name) => ({ name })),
          },
        })),
      },
    };
  }

  #authorised(request: FakeRequest): boolean {
    const header = request.headers.authorization ?? '';
    return header.startsWith('Bearer ') && this.#validTokens.has(header.slice(7));
  }

  #store(body: Partial<FakeAccount> & { secret?: string }): FakeAccount {
    const account: FakeAccount = {
      id: `7_${this.#nextAccount++}`,
      name: body.name ?? `auto-${this.#nextAccount}`,
      safeName: body.safeName ?? 'Backup',
      platformId: body.platformId ?? 'WinDomain',
      address: body.address,
      userName: body.userName,
      secretType: body.secretType ?? 'password',
      platformAccountProperties: { ...body.platformAccountProperties },
      secretManagement: { automaticManagementEnabled: false, ...body.secretManagement },
      createdTime: Math.floor(Date.now() / 1000),
      secret: body.secret ?? '',
    };
    this.accounts.set(account.id, account);
    return account;
  }
}

interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

function publicAccount(account: FakeAccount): Omit<FakeAccount, 'secret'> {
  const { secret: _secret, ...rest } = account;
  return rest;
}

async function readRequest(req: IncomingMessage): Promise<FakeRequest> {
  const receivedAt = performance.now();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
    receivedAt,
  };
}
