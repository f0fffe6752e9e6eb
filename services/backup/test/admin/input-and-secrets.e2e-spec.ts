import { randomBytes } from 'node:crypto';
import { uniqueName } from '@vault-backup/testing';
import {
  AdminE2eHarness,
  expectStatus,
  fieldsOf,
  type HttpResult,
  PLATFORM,
  SAFE,
} from './support/admin-e2e.harness';
import { expectProblem } from './support/http-result';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;

describe('bad input is a 400 with per-field messages, never a 500; secrets never leave', () => {
  let harness: AdminE2eHarness;
  /** Every answer this file received, to search for secrets at the end. */
  const answers: HttpResult[] = [];

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function request(...args: Parameters<AdminE2eHarness['request']>): Promise<HttpResult> {
    const result = await harness.request(...args);
    answers.push(result);
    expect(result.status).toBeLessThan(500);
    return result;
  }

  async function owner(): Promise<{ workspace: string; token: string }> {
    const workspace = uniqueName('ws');
    return { workspace, token: await harness.tokenFor(workspace, 'owner') };
  }

  describe('request validation', () => {
    it('names every missing field', async () => {
      const { workspace, token } = await owner();
      const result = await request('PUT', `${base(workspace)}/connection`, { token, body: {} });
      expectProblem(result, 400, 'VALIDATION_FAILED', `${base(workspace)}/connection`);
      expect(result.body.title).toBe('Invalid request');
      expect([...new Set(fieldsOf(result))]).toEqual([
        'identityTenantUrl',
        'privilegeCloudUrl',
        'clientId',
        'clientSecret',
      ]);
    });

    it('rejects unknown fields by name', async () => {
      const { workspace, token } = await owner();
      const result = await request('PUT', `${base(workspace)}/targets`, {
        token,
        body: { safeName: SAFE, platformId: PLATFORM, isAdmin: true },
      });
      expect(result.status).toBe(400);
      expect(result.body.problems).toEqual([
        expect.objectContaining({ field: 'isAdmin', message: 'property isAdmin should not exist' }),
      ]);
    });

    it.each([
      ['a number for a string', { safeName: 42, platformId: PLATFORM }, 'safeName'],
      ['a Safe name with forbidden characters', { safeName: 'a/b', platformId: PLATFORM }, 'safeName'],
      ['a Safe name over 28 characters', { safeName: 'S'.repeat(29), platformId: PLATFORM }, 'safeName'],
      ['a platform id with spaces', { safeName: SAFE, platformId: 'Vault Backup' }, 'platformId'],
      ['a nested object', { safeName: { $ne: null }, platformId: PLATFORM }, 'safeName'],
    ])('%s → 400 on that field', async (_name, body, field) => {
      const { workspace, token } = await owner();
      const result = await request('PUT', `${base(workspace)}/targets`, { token, body });
      expect(result.status).toBe(400);
      expect(fieldsOf(result)).toContain(field);
    });

    it('bounds sizes: a 2 kB client secret is refused, a 200 kB body is 413', async () => {
      const { workspace, token } = await owner();
      const tenant = await harness.createTenant();
      const long = await request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: 'x'.repeat(2_000) },
      });
      expect(long.status).toBe(400);
      expect(long.body.problems).toEqual([expect.objectContaining({ field: 'clientSecret' })]);
      const huge = await request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: 'x'.repeat(200_000) },
      });
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE', `${base(workspace)}/connection`);
    });

    it('a body that is not JSON is a 400 that does not echo it', async () => {
      const { workspace, token } = await owner();
      const secret = `leak-${randomBytes(8).toString('hex')}`;
      const result = await request('PUT', `${base(workspace)}/connection`, {
        token,
        // Unquoted: V8's parse error quotes the text at the error position, i.e. the secret's start.
        rawBody: `{"clientId": "x", "clientSecret": ${secret}}`,
      });
      expectProblem(result, 400, 'MALFORMED_JSON', `${base(workspace)}/connection`);
      expect(result.text).not.toContain(secret.slice(0, 9));
      expect(harness.logs.text()).not.toContain(secret.slice(0, 9));
    });

    it('a JSON array body is a 400', async () => {
      const { workspace, token } = await owner();
      expect(
        (
          await request('PUT', `${base(workspace)}/targets`, {
            token,
            body: [{ safeName: SAFE, platformId: PLATFORM }],
          })
        ).status,
      ).toBe(400);
    });

    it('validates path and query parameters', async () => {
      const operator = await harness.token({ sub: 'sre', role: 'operator' });
      const longId = await request('GET', base('w'.repeat(65)), { token: operator });
      expect(longId.status).toBe(400);
      expect(longId.body.problems).toEqual([expect.objectContaining({ field: 'workspaceId' })]);
      const { workspace, token } = await owner();
      expect(
        (await request('POST', `${base(workspace)}/failures/not-a-uuid/replay`, { token })).body.problems,
      ).toEqual([expect.objectContaining({ field: 'failureId' })]);
      for (const query of [
        'limit=0',
        'limit=abc',
        'limit=1000',
        'status=closed',
        'cursor=!!',
        'cursor=bm9wZQ',
      ]) {
        const result = await request('GET', `${base(workspace)}/failures?${query}`, { token });
        expect([query, result.status]).toEqual([query, 400]);
        // The instance is the path: a query (a cursor...) is never echoed.
        expectProblem(result, 400, 'VALIDATION_FAILED', `${base(workspace)}/failures`);
      }
      expect((await request('POST', `${base(workspace)}/failures/replay?force=yes`, { token })).status).toBe(
        409,
      );
    });
  });

  describe('every error is problem+json with the request id', () => {
    it('a path under /api/v1 that matches no route is a 404 problem', async () => {
      const { workspace, token } = await owner();
      const result = await request('GET', `${base(workspace)}/no-such-thing`, { token });
      expectProblem(result, 404, 'ROUTE_NOT_FOUND', `${base(workspace)}/no-such-thing`);
      expect(result.text).not.toContain('Cannot GET');
    });

    it('echoes a well-formed X-Request-Id on errors and successes, and replaces a malformed one', async () => {
      const { workspace, token } = await owner();
      const failed = await request('PUT', `${base(workspace)}/targets`, {
        token,
        body: {},
        headers: { 'x-request-id': 'client-req-42' },
      });
      expectProblem(failed, 400, 'VALIDATION_FAILED');
      expect(failed.body.requestId).toBe('client-req-42');
      const forged = await request('GET', base(workspace), {
        token,
        headers: { 'x-request-id': 'bad id <script>' },
      });
      expectProblem(forged, 404, 'VAULT_BACKUP_NOT_FOUND', base(workspace));
      expect(forged.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const operator = await harness.token({ sub: 'sre', role: 'operator' });
      const ok = await request('GET', '/api/v1/vault-backups', {
        token: operator,
        headers: { 'x-request-id': 'client-req-43' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('client-req-43');
    });

    it('leaves routes outside /api/v1 to their own answers', async () => {
      const result = await request('GET', '/no-such-route');
      expect(result.status).toBe(404);
      expect(result.headers.get('content-type')).not.toMatch(/problem/);
    });
  });

  describe('secrets are write-only', () => {
    it('never returns, logs or stores in plaintext the client secret, nor logs the bearer token', async () => {
      const { workspace, token } = await owner();
      const tenant = await harness.createTenant();
      const secret = tenant.clientSecret;
      const wrongSecret = `wrong-${randomBytes(12).toString('hex')}`;

      await request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: wrongSecret },
      });
      await request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection });
      await request('PUT', `${base(workspace)}/targets`, {
        token,
        body: { safeName: SAFE, platformId: PLATFORM },
      });
      await request('POST', `${base(workspace)}/validate`, { token });
      await request('POST', `${base(workspace)}/enable`, { token });
      await request('PATCH', `${base(workspace)}/options`, { token, body: { metadataOnly: true } });
      await request('GET', base(workspace), { token });
      await request('GET', `${base(workspace)}/audit-log`, { token });
      await request('GET', '/api/v1/vault-backups', {
        token: await harness.token({ sub: 'sre', role: 'operator' }),
      });
      const invalid = await request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: `${secret}\u0001` },
      });
      expect(invalid.status).toBe(400);

      for (const answer of answers) {
        expect(answer.text).not.toContain(secret);
        expect(answer.text).not.toContain(wrongSecret);
        expect(answer.text).not.toMatch(/ciphertext|eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
      }
      const logs = harness.logs.text();
      expect(logs.length).toBeGreaterThan(1_000);
      expect(logs).toContain(workspace);
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(wrongSecret);
      expect(logs).not.toContain(token);

      const rows = JSON.stringify(
        await harness.database.dataSource.query(
          `SELECT * FROM backup_configuration WHERE workspace_id = $1`,
          [workspace],
        ),
      );
      expect(rows).not.toContain(secret);
      expect(rows).toMatch(/client_secret_ciphertext":"ey/);
      const audit = JSON.stringify(
        await harness.database.dataSource.query(`SELECT * FROM audit_log WHERE workspace_id = $1`, [
          workspace,
        ]),
      );
      expect(audit).not.toContain(secret);
      expect(audit).not.toContain(wrongSecret);
      expect(audit).toContain('clientSecret');
    });

    it('documents the secret as write-only in the OpenAPI document', async () => {
      const document = expectStatus(await request('GET', '/api/openapi.json'), 200).body;
      expect(document.components.schemas.ConnectionDto.properties.clientSecret).toMatchObject({
        writeOnly: true,
        format: 'password',
      });
      expect(JSON.stringify(document.components.schemas.VaultBackupDto)).not.toContain('clientSecret"');
    });
  });
});
