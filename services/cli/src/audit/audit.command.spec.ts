import { runCli } from '../cli/cli.program';
import { EXIT } from '../cli/exit-codes';
import { FakeAdminApi } from '../../test/support/fake-admin-api';
import { type FakeRuntime, fakeRuntime, fakeToken } from '../../test/support/fake-runtime';

describe('audit', () => {
  let api: FakeAdminApi;
  let runtime: FakeRuntime;

  beforeEach(async () => {
    api = await FakeAdminApi.start();
    runtime = fakeRuntime({
      env: { VAULT_BACKUP_TOKEN: fakeToken({ sub: 'alice', role: 'owner', workspace_id: 'ws-1' }) },
    });
  });

  afterEach(async () => {
    runtime.cleanUp();
    await api.close();
  });

  it('shows the audit log newest first with its actor and details', async () => {
    api.on('GET', '/api/v1/workspaces/ws-1/vault-backup/audit-log', {
      body: {
        items: [
          {
            id: 'a-1',
            action: 'connection-updated',
            actor: { sub: 'alice', role: 'owner' },
            details: { changedFields: ['clientSecret'] },
            requestId: 'r-1',
            occurredAt: '2026-12-03T10:00:00.000Z',
          },
        ],
        nextCursor: 'c1',
      },
    });
    expect(await runCli(['audit', '--limit', '1', '--api-url', api.url], runtime)).toBe(EXIT.ok);
    expect(api.requests[0].query).toEqual({ limit: '1' });
    expect(runtime.out()).toMatch(
      /2026-12-03T10:00:00.000Z\s+connection-updated\s+alice \(owner\)\s+\{"changedFields":\["clientSecret"\]\}/,
    );
    expect(runtime.err()).toBe('older entries: pass --all\n');
  });

  it('rejects --limit out of range (exit 2)', async () => {
    expect(await runCli(['audit', '--limit', '500'], runtime)).toBe(EXIT.usage);
    expect(runtime.err()).toContain('must be an integer from 1 to 200');
  });
});
