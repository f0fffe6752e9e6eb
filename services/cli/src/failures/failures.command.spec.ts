import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';
import { counts, problemItem } from '../../test/support/contract-fixtures';

const PROBLEMS = '/api/v1/workspaces/ws-1/vault-backup/problems';

describe('failures list', () => {
  const cli = useFakeAdminApi();

  it('passes the filters and shows counts by class and what to do about each item', async () => {
    cli.api.on('GET', PROBLEMS, {
      body: {
        items: [problemItem('acc-1'), problemItem('acc-2', 'parked')],
        counts: counts(1, 1),
        nextCursor: 'c1',
      },
    });
    const argv = [
      'failures',
      'list',
      '--class',
      'invalid-property',
      '--code',
      'PASWS167E',
      '--account',
      'acc-1',
      '--kind',
      'failed',
      '--from',
      '2026-12-01T00:00:00Z',
      '--to',
      '2026-12-03T00:00:00Z',
      '--limit',
      '50',
    ];
    expect(await cli.run(argv)).toBe(EXIT.ok);
    expect(cli.api.requests[0].query).toEqual({
      errorClass: 'invalid-property',
      code: 'PASWS167E',
      accountId: 'acc-1',
      kind: 'failed',
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-03T00:00:00Z',
      limit: '50',
    });
    const out = cli.runtime.out();
    expect(out).toContain('2 problems: 1 failed (replay once fixed), 1 parked (retried automatically)');
    expect(out).toMatch(/invalid-property\s+1\s+1\s+2/);
    expect(out).toContain(
      'failed  acc-1 v2  invalid-property/PASWS167E  2026-12-03T09:00:00.000Z  failure f-acc-1',
    );
    expect(out).toContain(
      'parked  acc-2 v2  invalid-property/PASWS167E  2026-12-03T09:00:00.000Z  next retry 2026-12-03T12:05:00.000Z',
    );
    expect(out).toContain(
      '→ platform VaultBackupPlatform has no optional property totpSecret — add it, then replay',
    );
    expect(cli.runtime.err()).toBe('more on the next pages: pass --all\n');
  });

  it('with --all --json follows nextCursor and prints every item', async () => {
    cli.api.on(
      'GET',
      PROBLEMS,
      { body: { items: [problemItem('acc-1')], counts: counts(2, 0), nextCursor: 'c1' } },
      { body: { items: [problemItem('acc-2')], counts: counts(2, 0), nextCursor: null } },
    );
    expect(await cli.run(['failures', 'list', '--all', '--json'])).toBe(EXIT.ok);
    const printed = JSON.parse(cli.runtime.out()) as {
      items: { accountId: string }[];
      counts: { total: number };
    };
    expect(printed.items.map((item) => item.accountId)).toEqual(['acc-1', 'acc-2']);
    expect(printed.counts.total).toBe(2);
    expect(cli.api.requests[1].query).toEqual({ cursor: 'c1' });
  });

  it('operators: --all-workspaces and --unattributed use the cross-workspace routes', async () => {
    const operator = { sub: 'sre', role: 'operator' };
    cli.api.on('GET', '/api/v1/vault-backups/problems', {
      body: {
        items: [
          {
            workspaceId: 'ws-a',
            failed: 3,
            parked: 1,
            total: 4,
            oldestFailedAt: 'x',
            lastFailedAt: '2026-12-03T09:00:00.000Z',
            byClass: counts(3, 1).byClass,
          },
        ],
        counts: counts(3, 1),
        unattributed: counts(2, 0),
        nextCursor: null,
      },
    });
    expect(await cli.run(['failures', 'list', '--all-workspaces'], { claims: operator })).toBe(EXIT.ok);
    expect(cli.runtime.out()).toMatch(/ws-a\s+3\s+1\s+4\s+2026-12-03T09:00:00.000Z\s+invalid-property:4/);
    expect(cli.runtime.out()).toContain('unattributed (no workspace): 2');
    cli.api.on('GET', '/api/v1/vault-backups/problems/unattributed', {
      body: { items: [], counts: counts(0, 0), nextCursor: null },
    });
    expect(
      await cli.run(['failures', 'list', '--unattributed', '--kind', 'parked'], { claims: operator }),
    ).toBe(EXIT.ok);
    expect(cli.runtime.out()).toBe('no failed or parked backups\n');
  });

  it('rejects a bad --kind before calling the API (exit 2)', async () => {
    expect(await cli.run(['failures', 'list', '--kind', 'broken'])).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain("error: option '--kind <kind>' argument 'broken' is invalid");
    expect(cli.api.requests).toHaveLength(0);
  });
});
