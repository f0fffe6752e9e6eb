import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';
import { problem } from '../../test/support/fake-admin-api';

const counters = { openFailures: 2, skippedEvents: 1, lastSkippedAt: null };

describe('status', () => {
  const cli = useFakeAdminApi({ apiUrlFrom: 'env' });

  it("shows the token's workspace by default", async () => {
    cli.api.on('GET', '/api/v1/workspaces/ws-1/vault-backup', {
      body: {
        workspaceId: 'ws-1',
        status: 'enabled',
        connection: {
          identityTenantUrl: 'https://a.id.cyberark.cloud',
          privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
        },
        targets: { safeName: 'VaultBackupSafe', platformId: 'VaultBackupPlatform' },
        lastCheck: { outcome: 'passed', checkedAt: '2026-12-03T10:00:00.000Z' },
        validatedAt: '2026-12-03T10:00:00.000Z',
        enabledAt: '2026-12-03T10:01:00.000Z',
        counters,
      },
    });
    expect(await cli.run(['status'], { claims: { sub: 'alice', role: 'admin', workspace_id: 'ws-1' } })).toBe(
      EXIT.ok,
    );
    expect(cli.runtime.out()).toMatch(/^workspace\s+ws-1\nstatus\s+enabled\n/);
    expect(cli.runtime.out()).toMatch(/safe\s+VaultBackupSafe\n/);
    expect(cli.runtime.out()).toMatch(/last check\s+passed at 2026-12-03T10:00:00.000Z/);
    expect(cli.runtime.out()).toMatch(/open failures\s+2\n/);
  });

  it('lists every workspace for an operator without one, following pages with --all', async () => {
    const summary = (id: string) => ({
      workspaceId: id,
      status: 'enabled',
      enabledAt: null,
      updatedAt: '2026-12-03T10:00:00.000Z',
      counters,
    });
    cli.api.on(
      'GET',
      '/api/v1/vault-backups',
      { body: { items: [summary('ws-a')], nextCursor: 'c1' } },
      { body: { items: [summary('ws-b')], nextCursor: null } },
    );
    expect(
      await cli.run(['status', '--all', '--status', 'enabled', '--json'], {
        claims: { sub: 'sre', role: 'operator' },
      }),
    ).toBe(EXIT.ok);
    expect(cli.api.requests.map((request) => request.query)).toEqual([
      { status: 'enabled' },
      { status: 'enabled', cursor: 'c1' },
    ]);
    const printed = JSON.parse(cli.runtime.out()) as { items: { workspaceId: string }[]; nextCursor: null };
    expect(printed.items.map((item) => item.workspaceId)).toEqual(['ws-a', 'ws-b']);
    expect(printed.nextCursor).toBeNull();
  });

  it('prints a problem as "title: detail" on stderr and exits 1', async () => {
    cli.api.on(
      'GET',
      '/api/v1/workspaces/ws-9/vault-backup',
      problem(404, 'NOT_FOUND', 'Not found', 'no vault backup for workspace ws-9'),
    );
    expect(
      await cli.run(['status', '-w', 'ws-9'], {
        claims: { sub: 'alice', role: 'admin', workspace_id: 'ws-1' },
      }),
    ).toBe(EXIT.error);
    expect(cli.runtime.err()).toBe('error: Not found: no vault backup for workspace ws-9\n');
    expect(cli.runtime.out()).toBe('');
  });
});
