import { uniqueName } from '@vault-backup/testing';
import { AdminE2eHarness, type HttpResult } from './support/admin-e2e.harness';
import { expectProblem } from './support/http-result';

type Route = readonly [method: string, path: (workspace: string) => string, body?: unknown];

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;
const FAILURE_ID = '00000000-0000-4000-8000-000000000001';

/** Every workspace route that reads or changes the backup (managers only). */
const MANAGE_ROUTES: readonly Route[] = [
  [
    'PUT',
    (w) => `${base(w)}/connection`,
    {
      identityTenantUrl: 'https://a.id.cyberark.cloud',
      privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
      clientId: 'c',
      clientSecret: 's',
    },
  ],
  ['PUT', (w) => `${base(w)}/targets`, { safeName: 'S', platformId: 'P' }],
  ['POST', (w) => `${base(w)}/validate`],
  ['POST', (w) => `${base(w)}/enable`],
  ['POST', (w) => `${base(w)}/disable`],
  ['PATCH', (w) => `${base(w)}/options`, { metadataOnly: true }],
  ['DELETE', (w) => base(w)],
  ['GET', (w) => `${base(w)}/failures`],
  ['POST', (w) => `${base(w)}/failures/replay`],
  ['POST', (w) => `${base(w)}/failures/${FAILURE_ID}/replay`],
  ['GET', (w) => `${base(w)}/audit-log`],
];
const READ_STATUS: Route = ['GET', (w) => base(w)];
const ALL_WORKSPACE_ROUTES = [READ_STATUS, ...MANAGE_ROUTES];

describe('admin API access control (RBAC, tokens)', () => {
  let harness: AdminE2eHarness;
  let workspace: string;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
    workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const call = (route: Route, token: string | undefined, target = workspace): Promise<HttpResult> =>
    harness.request(route[0], route[1](target), {
      ...(token === undefined ? {} : { token }),
      ...(route[2] === undefined ? {} : { body: route[2] }),
    });

  describe.each(['owner', 'super_admin', 'admin'])('%s of the workspace', (role) => {
    it('reads the backup', async () => {
      const result = await call(READ_STATUS, await harness.tokenFor(workspace, role));
      expect(result.status).toBe(200);
      expect(result.body.workspaceId).toBe(workspace);
    });

    it('passes authorization on every managing route (no 401/403/404-not-yours)', async () => {
      // A workspace of its own: these calls change it (disable, options...).
      const own = uniqueName('ws');
      await harness.setUpEnabledBackup(own);
      const token = await harness.tokenFor(own, role);
      for (const route of MANAGE_ROUTES.filter(([method]) => method !== 'DELETE' && method !== 'PUT')) {
        const result = await call(route, token, own);
        expect([200, 204, 409, 422, 404]).toContain(result.status);
        if (result.status === 404) expect(result.body.code).toBe('FAILURE_NOT_FOUND');
      }
    });
  });

  it('a Member of the workspace is forbidden (403) everywhere', async () => {
    const token = await harness.tokenFor(workspace, 'member');
    for (const route of ALL_WORKSPACE_ROUTES) {
      const result = await call(route, token);
      expect([route[0], result.status]).toEqual([route[0], 403]);
      expectProblem(result, 403, 'FORBIDDEN', route[1](workspace));
    }
  });

  it('another workspace answers exactly like a workspace without a backup (404), for every role and route', async () => {
    const unconfigured = uniqueName('ws-empty');
    const own = await harness.request('GET', base(unconfigured), {
      token: await harness.tokenFor(unconfigured, 'owner'),
    });
    expect(own.status).toBe(404);
    for (const role of ['owner', 'super_admin', 'admin', 'member']) {
      const outsider = await harness.tokenFor(uniqueName('ws-other'), role);
      for (const route of ALL_WORKSPACE_ROUTES) {
        const result = await call(route, outsider);
        expect([role, route[0], result.status]).toEqual([role, route[0], 404]);
        expectProblem(result, 404, 'VAULT_BACKUP_NOT_FOUND', route[1](workspace).split('?')[0]);
        // Identical but for where and when: the request path and id.
        const same = (body: object) => ({ ...body, requestId: undefined, instance: undefined });
        expect(same(result.body)).toEqual(same(own.body));
      }
    }
  });

  it('an operator reads any workspace status but changes nothing', async () => {
    const token = await harness.token({ sub: 'sre-1', role: 'operator' });
    expect((await call(READ_STATUS, token)).status).toBe(200);
    for (const route of MANAGE_ROUTES) {
      expect([route[0], (await call(route, token)).status]).toEqual([route[0], 403]);
    }
  });

  it('only operators list backups across workspaces', async () => {
    const operator = await harness.token({ sub: 'sre-1', role: 'operator' });
    const list = await harness.request('GET', '/api/v1/vault-backups', { token: operator });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ workspaceId: workspace, status: 'enabled' })]),
    );
    expect(JSON.stringify(list.body)).not.toMatch(/clientId|privilegeCloudUrl|identityTenantUrl/);
    for (const role of ['owner', 'super_admin', 'admin', 'member']) {
      expect(
        (
          await harness.request('GET', '/api/v1/vault-backups', {
            token: await harness.tokenFor(workspace, role),
          })
        ).status,
      ).toBe(403);
    }
  });

  describe('authentication', () => {
    const expectInvalidToken = (result: HttpResult) => {
      expectProblem(result, 401, 'AUTH_TOKEN_INVALID');
      expect(result.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="vault-backup", error="invalid_token"/,
      );
    };

    it('no token: 401 with a plain Bearer challenge', async () => {
      const result = await call(READ_STATUS, undefined);
      expectProblem(result, 401, 'AUTH_TOKEN_MISSING', base(workspace));
      expect(result.headers.get('www-authenticate')).toBe('Bearer realm="vault-backup"');
      expect(result.headers.get('x-request-id')).toBeTruthy();
    });

    it.each([
      ['expired', { expiresInSeconds: -120 }],
      ['wrong audience', { audience: 'someone-else' }],
      ['wrong issuer', { issuer: 'https://evil.example' }],
      ['not yet valid', { notBeforeSeconds: 600 }],
      ['signed by a key the issuer does not publish', { key: 'untrusted' as const }],
      ['without exp', { omit: ['exp' as const] }],
    ])('%s: 401 invalid_token', async (_name, options) => {
      const token = await harness.token({ sub: 'user-1', role: 'owner', workspace_id: workspace }, options);
      expectInvalidToken(await call(READ_STATUS, token));
    });

    it.each([
      ['no sub', { role: 'owner', workspace_id: 'WS' }],
      ['an unknown role', { sub: 'u', role: 'root', workspace_id: 'WS' }],
      ['no workspace_id for a workspace role', { sub: 'u', role: 'admin' }],
      ['a malformed workspace_id', { sub: 'u', role: 'admin', workspace_id: '../etc' }],
    ])('a token with %s: 401 invalid_token', async (_name, claims) => {
      const withWorkspace = JSON.parse(
        JSON.stringify(claims).replace('"WS"', JSON.stringify(workspace)),
      ) as Record<string, string>;
      expectInvalidToken(await call(READ_STATUS, await harness.token(withWorkspace)));
    });

    it('an unsigned (alg none) token: 401', async () => {
      expectInvalidToken(
        await call(
          READ_STATUS,
          harness.issuer.unsigned({ sub: 'u', role: 'owner', workspace_id: workspace }),
        ),
      );
    });

    it('a tampered payload: 401', async () => {
      const token = await harness.tokenFor(uniqueName('ws'), 'owner');
      const [header, , signature] = token.split('.');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'u', role: 'owner', workspace_id: workspace, exp: 9_999_999_999 }),
      ).toString('base64url');
      expectInvalidToken(await call(READ_STATUS, `${header}.${payload}.${signature}`));
    });

    it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a.b', 'token abc.def.ghi'])(
      'Authorization %p: 401',
      async (authorization) => {
        const result = await harness.request('GET', base(workspace), { headers: { authorization } });
        expect(result.status).toBe(401);
      },
    );

    it('accepts ES256 from the same issuer', async () => {
      const token = await harness.token(
        { sub: 'u', role: 'owner', workspace_id: workspace },
        { key: 'trusted-ec' },
      );
      expect((await call(READ_STATUS, token)).status).toBe(200);
    });

    it('fetches the issuer keys once, not per request', async () => {
      const before = harness.issuer.jwksFetches();
      const token = await harness.tokenFor(workspace, 'owner');
      for (let i = 0; i < 5; i += 1) await call(READ_STATUS, token);
      expect(harness.issuer.jwksFetches()).toBe(before);
    });
  });
});
