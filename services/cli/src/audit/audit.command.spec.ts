import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';

describe('audit', () => {
  const cli = useFakeAdminApi({ claims: { sub: 'alice', role: 'owner', workspace_id: 'ws-1' } });

  it('shows the audit log newest first with its actor and details', async () => {
    cli.api.on('GET', '/api/v1/workspaces/ws-1/vault-backup/audit-log', {
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
    expect(await cli.run(['audit', '--limit', '1'])).toBe(EXIT.ok);
    expect(cli.api.requests[0].query).toEqual({ limit: '1' });
    expect(cli.runtime.out()).toMatch(
      /2026-12-03T10:00:00.000Z\s+connection-updated\s+alice \(owner\)\s+\{"changedFields":\["clientSecret"\]\}/,
    );
    expect(cli.runtime.err()).toBe('older entries: pass --all\n');
  });

  it('rejects --limit out of range (exit 2)', async () => {
    expect(await cli.run(['audit', '--limit', '500'])).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain('must be an integer from 1 to 200');
  });
});
