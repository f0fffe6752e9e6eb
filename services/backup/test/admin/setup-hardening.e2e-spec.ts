import { uniqueName } from '@vault-backup/testing';
import { startServiceProcess } from '../e2e/support/service-process';
import { AdminE2eHarness, expectStatus, type HttpResult, PLATFORM, SAFE } from './support/admin-e2e.harness';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;

/** Hardening found by probing the setup API: check budget, token age, auth before parsing, production config. */
describe('setup API hardening', () => {
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    // A small budget so the test shows its effect: 2 checks back to back, then 1 per minute.
    harness = await AdminE2eHarness.create({
      env: { ADMIN_CHECKS_PER_MINUTE: '1', ADMIN_CHECKS_BURST: '2', ADMIN_CHECKS_CONCURRENCY: '2' },
    });
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function auditRows(workspace: string): Promise<number> {
    const [row] = await harness.database.dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM audit_log WHERE workspace_id = $1`,
      [workspace],
    );
    return Number(row?.count);
  }

  function expectRateLimited(result: HttpResult): void {
    expect(result.status).toBe(429);
    expect(result.body).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(result.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  describe('checks that reach CyberArk or Key Vault have a budget per workspace', () => {
    it('answers 429 with Retry-After once the budget is spent, without calling out or auditing', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const tenant = await harness.createTenant();
      expectStatus(
        await harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
        200,
      );
      expectStatus(
        await harness.request('PUT', `${base(workspace)}/targets`, {
          token,
          body: { safeName: SAFE, platformId: PLATFORM },
        }),
        200,
      );
      const audited = await auditRows(workspace);
      const { cursor } = await harness.simulator.control.readRequests();

      expectRateLimited(
        await harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
      );
      expectRateLimited(await harness.request('POST', `${base(workspace)}/validate`, { token }));
      expectRateLimited(
        await harness.request('PUT', `${base(workspace)}/targets`, {
          token,
          body: { safeName: SAFE, platformId: PLATFORM },
        }),
      );
      expectRateLimited(
        await harness.request('POST', `/api/v1/workspaces/${workspace}/key-integration/validate`, { token }),
      );
      expect(await auditRows(workspace)).toBe(audited);
      const calls = await harness.simulator.control.readRequests({ since: cursor });
      expect(calls.entries.filter((entry) => entry.tenant === tenant.tenant)).toEqual([]);

      // Reading is not a check: the status stays available.
      expectStatus(await harness.request('GET', base(workspace), { token }), 200);
      // Another workspace has its own budget.
      const other = uniqueName('ws');
      expectStatus(
        await harness.request('PUT', `${base(other)}/connection`, {
          token: await harness.tokenFor(other, 'owner'),
          body: tenant.connection,
        }),
        200,
      );
    });

    it('serves only the burst of a flood of concurrent connects', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const tenant = await harness.createTenant();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
        ),
      );
      // Two are served (the second may lose the race to create the configuration: 409), the rest wait.
      const served = results.filter((result) => result.status !== 429);
      expect(served.some((result) => result.status === 200)).toBe(true);
      expect(served).toHaveLength(2);
      for (const result of results.filter((candidate) => candidate.status === 429)) expectRateLimited(result);
    });
  });

  describe('authentication comes before the body is read', () => {
    const malformed = '{"clientId": "x", "clientSecret": unquoted';

    it.each<[string, Record<string, string>, string]>([
      ['no token', {}, 'AUTH_TOKEN_MISSING'],
      ['a token that is not one', { authorization: 'Bearer not.a.token' }, 'AUTH_TOKEN_INVALID'],
    ])('answers 401, not 400, to malformed JSON with %s', async (_name, headers, code) => {
      const result = await harness.request('PUT', `${base(uniqueName('ws'))}/connection`, {
        rawBody: malformed,
        headers,
      });
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ code });
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer realm="vault-backup"/);
      expect(result.text).not.toContain('clientSecret');
    });

    it('answers 401, not 413, to an oversized anonymous body', async () => {
      const result = await harness.request('PUT', `${base(uniqueName('ws'))}/connection`, {
        rawBody: JSON.stringify({ clientSecret: 'x'.repeat(300_000) }),
      });
      expect(result.status).toBe(401);
    });

    it('still parses the body of an authenticated caller: malformed JSON is a 400 for them', async () => {
      const workspace = uniqueName('ws');
      const result = await harness.request('PUT', `${base(workspace)}/connection`, {
        token: await harness.tokenFor(workspace, 'owner'),
        rawBody: malformed,
      });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ code: 'MALFORMED_JSON' });
    });

    it('leaves the OpenAPI document, Swagger UI, health and metrics as they were', async () => {
      expectStatus(await harness.request('GET', '/api/openapi.json'), 200);
      expect((await fetch(harness.url('/api/docs/'))).status).toBe(200);
      expect((await fetch(harness.url('/health/live'))).status).toBe(200);
      expect((await fetch(harness.url('/metrics'))).status).toBe(200);
    });
  });

  describe('token time claims', () => {
    const claims = (workspace: string) => ({ sub: 'u', role: 'owner', workspace_id: workspace });

    it('refuses a token that expires in the year 3000, naming its lifetime', async () => {
      const workspace = uniqueName('ws');
      const now = Math.floor(Date.now() / 1_000);
      const token = await harness.token(claims(workspace), { expiresInSeconds: 32_503_680_000 - now });
      const result = await harness.request('GET', base(workspace), { token });
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
      expect(result.headers.get('www-authenticate')).toMatch(
        /error="invalid_token", error_description="the access token lives \d+s \(exp - iat\), longer than the 86400s accepted"/,
      );
    });

    it('refuses a token that is not valid yet, and one without exp, saying which', async () => {
      const workspace = uniqueName('ws');
      const early = await harness.request('GET', base(workspace), {
        token: await harness.token(claims(workspace), { notBeforeSeconds: 3_600, expiresInSeconds: 7_200 }),
      });
      expect(early.status).toBe(401);
      expect(early.headers.get('www-authenticate')).toContain('not valid yet');
      const endless = await harness.request('GET', base(workspace), {
        token: await harness.token(claims(workspace), { omit: ['exp'] }),
      });
      expect(endless.status).toBe(401);
      expect(endless.headers.get('www-authenticate')).toContain('has no exp claim');
    });
  });

  describe('simulator-only settings in production', () => {
    it.each([
      ['CYBERARK_ALLOW_INSECURE_LOOPBACK', 'true'],
      ['KEY_VAULT_ALLOW_INSECURE_LOOPBACK', 'true'],
    ])('refuses %s=%s with NODE_ENV=production: exit 78 and one line naming it', async (name, value) => {
      const service = startServiceProcess({
        ...harness.env,
        NODE_ENV: 'production',
        CYBERARK_ALLOW_INSECURE_LOOPBACK: 'false',
        LOG_LEVEL: 'warn',
        [name]: value,
      });
      expect(await service.exited).toBe(78);
      const fatal = service
        .output()
        .split('\n')
        .filter((line) => line.includes('"level":"fatal"'));
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toContain(
        `${name}=true is for simulators (demo, tests) and is refused with NODE_ENV=production`,
      );
    });
  });
});
