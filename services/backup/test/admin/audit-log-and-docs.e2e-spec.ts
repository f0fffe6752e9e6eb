import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueName } from '@vault-backup/testing';
import { AdminE2eHarness, expectStatus, PLATFORM, SAFE } from './support/admin-e2e.harness';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;

interface Entry {
  action: string;
  actor: { sub: string; role: string };
  details: Record<string, unknown>;
  requestId: string | null;
  occurredAt: string;
}

describe('audit log, OpenAPI document and metrics through HTTP', () => {
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function auditLog(workspace: string, token: string): Promise<Entry[]> {
    const entries: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Entry[]; nextCursor: string | null } } = expectStatus(
        await harness.request(
          'GET',
          `${base(workspace)}/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          { token },
        ),
        200,
      );
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return entries.reverse();
  }

  it('records who did what and when, with the request id, names of changed fields and never a secret', async () => {
    const workspace = uniqueName('ws');
    const tenant = await harness.createTenant();
    const owner = await harness.token({ sub: 'alice', role: 'owner', workspace_id: workspace });
    const admin = await harness.token({ sub: 'bob', role: 'admin', workspace_id: workspace });
    const put = (token: string, path: string, body: unknown, requestId?: string) =>
      harness.request('PUT', `${base(workspace)}${path}`, {
        token,
        body,
        ...(requestId ? { headers: { 'x-request-id': requestId } } : {}),
      });

    await put(owner, '/connection', { ...tenant.connection, clientSecret: 'wrong-one' }, 'req-connect-1');
    await put(owner, '/connection', tenant.connection);
    await put(admin, '/targets', { safeName: SAFE, platformId: 'Missing' });
    await put(admin, '/targets', { safeName: SAFE, platformId: PLATFORM });
    await harness.request('POST', `${base(workspace)}/enable`, { token: admin });
    await harness.request('PATCH', `${base(workspace)}/options`, {
      token: owner,
      body: { retryBudgetSeconds: 600 },
    });
    await harness.request('POST', `${base(workspace)}/disable`, { token: owner });
    await harness.request('DELETE', base(workspace), { token: owner });
    await harness.request('DELETE', base(workspace), { token: owner });

    const entries = await auditLog(workspace, owner);
    expect(entries.map((entry) => [entry.action, entry.actor.sub])).toEqual([
      ['created', 'alice'],
      ['connection-failed', 'alice'],
      ['changed', 'alice'],
      ['connected', 'alice'],
      ['changed', 'bob'],
      ['connected', 'bob'],
      ['validation-failed', 'bob'],
      ['changed', 'bob'],
      ['connected', 'bob'],
      ['validated', 'bob'],
      ['enabled', 'bob'],
      ['changed', 'alice'],
      ['disabled', 'alice'],
      ['deleted', 'alice'],
    ]);
    expect(entries[0]?.requestId).toBe('req-connect-1');
    expect(entries[1]).toMatchObject({
      details: { failureClass: 'bad-credentials' },
      actor: { role: 'owner' },
    });
    expect(entries[2]?.details).toEqual({ changedFields: ['clientSecret'] });
    expect(entries[6]?.details).toMatchObject({ platformId: 'Missing', failedChecks: ['platform'] });
    expect(entries[11]?.details).toEqual({
      changedFields: ['retryBudgetSeconds'],
      options: { retryBudgetSeconds: 600 },
    });
    for (const entry of entries) {
      expect(Date.parse(entry.occurredAt)).not.toBeNaN();
      expect(entry.requestId).toEqual(expect.any(String));
    }
    const text = JSON.stringify(entries);
    expect(text).not.toContain(tenant.clientSecret);
    expect(text).not.toContain('wrong-one');
  });

  it('keeps entries append-only in the database', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    await expect(
      harness.database.dataSource.query(
        `UPDATE audit_log SET actor_sub = 'mallory' WHERE workspace_id = $1`,
        [workspace],
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      harness.database.dataSource.query(`DELETE FROM audit_log WHERE workspace_id = $1`, [workspace]),
    ).rejects.toThrow(/append-only/);
  });

  it('serves the OpenAPI document, identical to the committed services/backup/openapi.json', async () => {
    const served = expectStatus(await harness.request('GET', '/api/openapi.json'), 200);
    const committed = readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8');
    expect(served.body).toEqual(JSON.parse(committed));
    expect(Object.keys(served.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/workspaces/{workspaceId}/vault-backup', '/api/v1/vault-backups']),
    );
  });

  it('serves the Swagger UI at /api/docs, reading /api/openapi.json', async () => {
    const page = await fetch(harness.url('/api/docs/'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const init = await (await fetch(harness.url('/api/docs/swagger-ui-init.js'))).text();
    expect(init).toContain('/api/openapi.json');
  });

  it('counts admin requests by route template and status class', async () => {
    const workspace = uniqueName('ws');
    await harness.request('GET', base(workspace), { token: await harness.tokenFor(workspace, 'owner') });
    await harness.request('GET', base(workspace));
    const metrics = await (await fetch(harness.url('/metrics'))).text();
    expect(metrics).toMatch(
      /vault_backup_admin_requests_total\{route="GET \/api\/v1\/workspaces\/:workspaceId\/vault-backup",status_class="4xx"\} \d+/,
    );
    expect(metrics).not.toContain(workspace);
  });
});
