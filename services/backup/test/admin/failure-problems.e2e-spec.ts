import { uniqueName } from '@vault-backup/testing';
import { AdminE2eHarness, expectStatus, fieldsOf, PLATFORM, SAFE } from './support/admin-e2e.harness';
import { expectProblem, type HttpResult } from './support/http-result';
import { insertAppliedState, insertFailureRow, insertParkedRow, minutesAgo } from './support/problem-rows';

const problemsOf = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup/problems`;
const OPERATOR_VIEW = '/api/v1/vault-backups/problems';

interface Item {
  kind: string;
  accountId: string | null;
  version: string | null;
  failureId: string | null;
  error: { class: string; code: string | null; message: string };
  action: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  nextAttemptAt: string | null;
}

const workspacesOf = (result: HttpResult): string[] =>
  (result.body.items as { workspaceId: string }[]).map((item) => item.workspaceId);

const accountsOf = (result: HttpResult): (string | null)[] =>
  (result.body.items as Item[]).map((item) => item.accountId).sort();

describe('problems: failed and parked backups an admin can act on', () => {
  let harness: AdminE2eHarness;
  let workspace: string;
  let busy: string;
  let admin: string;
  let failedId: string;
  // acc-prop was parked first, then given up when its retry budget ran out.
  const firstParkedAt = minutesAgo(400);
  const givenUpAt = minutesAgo(180);

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
    const db = harness.database.dataSource;
    const urls = {
      identityUrl: 'https://abc.id.cyberark.cloud',
      privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
    };
    workspace = uniqueName('ws-prob');
    busy = uniqueName('ws-busy');
    await harness.insertEnabledConfiguration(workspace, urls);
    await harness.insertEnabledConfiguration(busy, urls);
    admin = await harness.tokenFor(workspace, 'admin');

    // The listed three: one failed (newest version of acc-prop), two parked.
    await insertFailureRow(db, {
      workspaceId: workspace,
      accountId: 'acc-prop',
      version: 1,
      errorClass: 'invalid-property',
      code: 'PASWS167E',
      message: 'superseded by version 2',
      createdAt: minutesAgo(300),
    });
    failedId = await insertFailureRow(db, {
      workspaceId: workspace,
      accountId: 'acc-prop',
      version: 2,
      errorClass: 'invalid-property',
      code: 'PASWS167E',
      message: `POST Accounts failed with HTTP 400 PASWS167E/PASWS167E: There are some invalid parameters | Property [totpSecret] is not defined for platform [${PLATFORM}].`,
      attempts: 1,
      createdAt: givenUpAt,
      firstFailedAt: firstParkedAt,
    });
    await insertParkedRow(db, {
      workspaceId: workspace,
      accountId: 'acc-perm',
      version: 5,
      errorClass: 'permission',
      code: 'PASWS041E',
      message: 'POST Accounts failed with HTTP 403 PASWS041E: You are not authorized to perform this action.',
      attempts: 3,
      firstFailedAt: minutesAgo(120),
      lastFailedAt: minutesAgo(10),
      nextAttemptAt: new Date(Date.now() + 5 * 60_000),
    });
    await insertParkedRow(db, {
      workspaceId: workspace,
      accountId: 'acc-kv',
      version: 1,
      errorClass: 'key-access-revoked',
      code: 'KEY_VAULT_FORBIDDEN',
      message: 'unwrap-key: the service principal may not use this key (Forbidden)',
      attempts: 2,
      firstFailedAt: minutesAgo(60),
      lastFailedAt: minutesAgo(30),
    });
    // Not listed: the safe already holds a newer version, or it was replayed.
    await insertFailureRow(db, {
      workspaceId: workspace,
      accountId: 'acc-done',
      version: 1,
      errorClass: 'permission',
      code: 'PASWS041E',
      message: 'since backed up',
    });
    await insertAppliedState(db, workspace, 'acc-done', 2);
    await insertFailureRow(db, {
      workspaceId: workspace,
      accountId: 'acc-replayed',
      version: 1,
      errorClass: 'permission',
      code: 'PASWS041E',
      message: 'replayed already',
      status: 'replayed',
    });
    // Another workspace with seven parked backups, and a dead letter that belongs to no workspace.
    const shared = minutesAgo(50);
    for (let n = 0; n < 7; n += 1) {
      await insertParkedRow(db, {
        workspaceId: busy,
        accountId: `acc-${n}`,
        version: 1,
        errorClass: n < 4 ? 'throttled' : 'unavailable',
        code: n < 4 ? 'CYBERARK_THROTTLED' : 'CYBERARK_UNAVAILABLE',
        message: 'transient',
        // Two share a first failure time: the order must still be total.
        firstFailedAt: n < 2 ? shared : minutesAgo(40 - n),
      });
    }
    await insertFailureRow(db, {
      workspaceId: null,
      accountId: null,
      version: null,
      errorClass: 'invalid-event',
      code: 'EVENT_NOT_JSON',
      message: 'the record is not JSON',
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('lists a failed and a parked backup with what to do, and leaves out what the safe already holds', async () => {
    const result = expectStatus(await harness.request('GET', problemsOf(workspace), { token: admin }), 200);
    const items = result.body.items as Item[];
    expect(items.map((item) => item.accountId)).toEqual(['acc-kv', 'acc-perm', 'acc-prop']);
    expect(items[2]).toEqual({
      kind: 'failed',
      accountId: 'acc-prop',
      version: '2',
      failureId: failedId,
      error: { class: 'invalid-property', code: 'PASWS167E', message: expect.stringContaining('totpSecret') },
      action: `platform ${PLATFORM} has no optional property totpSecret — add it, then replay`,
      attempts: 1,
      firstFailedAt: firstParkedAt.toISOString(),
      lastFailedAt: givenUpAt.toISOString(),
      nextAttemptAt: null,
    });
    expect(items[1]).toMatchObject({
      kind: 'parked',
      version: '5',
      failureId: null,
      error: { class: 'permission', code: 'PASWS041E' },
      action: `the service user lacks a permission on Safe ${SAFE} — grant it Add accounts, Update account content, Update account properties and List accounts; parked backups resume by themselves`,
      attempts: 3,
      nextAttemptAt: expect.any(String),
    });
    expect(Date.parse(items[1].lastFailedAt)).toBeGreaterThan(Date.parse(items[1].firstFailedAt));
    expect(Date.parse(items[1].nextAttemptAt!)).toBeGreaterThan(Date.now());
    expect(items[0].action).toMatch(
      /^the workspace's Azure Key Vault key refuses us \(forbidden\) — .*Key Vault Crypto Service Encryption User.*; parked backups resume by themselves$/,
    );
    expect(result.body.counts).toEqual({
      total: 3,
      failed: 1,
      parked: 2,
      byClass: [
        { errorClass: 'invalid-property', failed: 1, parked: 0, total: 1 },
        { errorClass: 'key-access-revoked', failed: 0, parked: 1, total: 1 },
        { errorClass: 'permission', failed: 0, parked: 1, total: 1 },
      ],
    });
    expect(result.body.nextCursor).toBeNull();
  });

  it.each([
    ['kind=parked', ['acc-kv', 'acc-perm']],
    ['kind=failed', ['acc-prop']],
    ['errorClass=permission', ['acc-perm']],
    ['code=PASWS167E', ['acc-prop']],
    ['accountId=acc-kv', ['acc-kv']],
    ['errorClass=permission&kind=failed', []],
  ])('filters by %s, and counts what it filters', async (filter, accounts) => {
    const result = expectStatus(
      await harness.request('GET', `${problemsOf(workspace)}?${filter}`, { token: admin }),
      200,
    );
    expect(accountsOf(result)).toEqual(accounts);
    expect(result.body.counts.total).toBe(accounts.length);
  });

  it('exports the backup freshness of the stalest workspaces on /metrics', async () => {
    const metrics = await (await fetch(harness.url('/metrics'))).text();
    const age = new RegExp(
      `^vault_backup_workspace_oldest_unbacked_change_age_seconds\\{workspace_id="${workspace}"\\} (\\d+(\\.\\d+)?)$`,
      'm',
    ).exec(metrics);
    // acc-prop first failed 400 minutes ago: the workspace's oldest change not in its safe.
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(400 * 60);
    expect(Number(age?.[1])).toBeLessThan(401 * 60);
    expect(metrics).toMatch(/^vault_backup_workspaces_with_unbacked_changes [1-9]\d*$/m);
  });

  it('filters by a window on the last failure', async () => {
    const from = encodeURIComponent(minutesAgo(45).toISOString());
    const to = encodeURIComponent(minutesAgo(5).toISOString());
    const result = expectStatus(
      await harness.request('GET', `${problemsOf(workspace)}?from=${from}&to=${to}`, { token: admin }),
      200,
    );
    expect(accountsOf(result)).toEqual(['acc-kv', 'acc-perm']);
    const before = encodeURIComponent(minutesAgo(150).toISOString());
    const older = expectStatus(
      await harness.request('GET', `${problemsOf(workspace)}?to=${before}`, { token: admin }),
      200,
    );
    expect(accountsOf(older)).toEqual(['acc-prop']);
  });

  it.each([
    ['severity=high', 'severity'],
    ['errorClass=made-up', 'errorClass'],
    ['kind=open', 'kind'],
    ['code=PAS%20WS', 'code'],
    ['from=yesterday', 'from'],
    [
      `from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`,
      'to',
    ],
    ['cursor=bm90LW91cnM', 'cursor'],
    ['limit=0', 'limit'],
  ])('refuses %s with a 400 problem naming %s', async (query, field) => {
    const result = await harness.request('GET', `${problemsOf(workspace)}?${query}`, { token: admin });
    expectProblem(result, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(result)).toContain(field);
  });

  it('pages with an opaque cursor, each item exactly once, as many as counted', async () => {
    const token = await harness.tokenFor(busy, 'owner');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`;
      const page: HttpResult = expectStatus(
        await harness.request('GET', `${problemsOf(busy)}${query}`, { token }),
        200,
      );
      seen.push(...(page.body.items as Item[]).map((item) => String(item.accountId)));
      expect(page.body.counts.total).toBe(7);
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(['acc-0', 'acc-1', 'acc-2', 'acc-3', 'acc-4', 'acc-5', 'acc-6']);
  });

  it('shows a member nothing, another workspace nothing, and keeps workspaces apart', async () => {
    const member = await harness.tokenFor(workspace, 'member');
    expectProblem(await harness.request('GET', problemsOf(workspace), { token: member }), 403, 'FORBIDDEN');
    const stranger = await harness.tokenFor(busy, 'admin');
    expectProblem(
      await harness.request('GET', problemsOf(workspace), { token: stranger }),
      404,
      'VAULT_BACKUP_NOT_FOUND',
    );
    const own = expectStatus(await harness.request('GET', problemsOf(busy), { token: stranger }), 200);
    expect(accountsOf(own)).not.toContain('acc-prop');
    const operator = await harness.token({ sub: 'sre-1', role: 'operator' });
    expectProblem(await harness.request('GET', problemsOf(workspace), { token: operator }), 403, 'FORBIDDEN');
  });

  describe('the operators view', () => {
    it('counts by workspace and class across workspaces, what needs attention first', async () => {
      const operator = await harness.token({ sub: 'sre-1', role: 'operator' });
      const result = expectStatus(await harness.request('GET', OPERATOR_VIEW, { token: operator }), 200);
      expect(result.body.items).toEqual([
        {
          workspaceId: workspace,
          failed: 1,
          parked: 2,
          total: 3,
          oldestFailedAt: expect.any(String),
          lastFailedAt: expect.any(String),
          byClass: [
            { errorClass: 'invalid-property', failed: 1, parked: 0, total: 1 },
            { errorClass: 'key-access-revoked', failed: 0, parked: 1, total: 1 },
            { errorClass: 'permission', failed: 0, parked: 1, total: 1 },
          ],
        },
        expect.objectContaining({
          workspaceId: busy,
          failed: 0,
          parked: 7,
          total: 7,
          byClass: [
            { errorClass: 'throttled', failed: 0, parked: 4, total: 4 },
            { errorClass: 'unavailable', failed: 0, parked: 3, total: 3 },
          ],
        }),
      ]);
      expect(result.body.counts).toMatchObject({ total: 10, failed: 1, parked: 9 });
      const classTotal = (result.body.counts.byClass as { total: number }[]).reduce(
        (sum, c) => sum + c.total,
        0,
      );
      expect(classTotal).toBe(10);
    });

    it('applies the same filters and pages one workspace at a time', async () => {
      const operator = await harness.token({ sub: 'sre-1', role: 'operator' });
      const filtered = expectStatus(
        await harness.request('GET', `${OPERATOR_VIEW}?errorClass=throttled`, { token: operator }),
        200,
      );
      expect(filtered.body.items).toEqual([expect.objectContaining({ workspaceId: busy, parked: 4 })]);
      const first = expectStatus(
        await harness.request('GET', `${OPERATOR_VIEW}?limit=1`, { token: operator }),
        200,
      );
      expect(workspacesOf(first)).toEqual([workspace]);
      const second = expectStatus(
        await harness.request('GET', `${OPERATOR_VIEW}?limit=1&cursor=${first.body.nextCursor}`, {
          token: operator,
        }),
        200,
      );
      expect(workspacesOf(second)).toEqual([busy]);
      expect(second.body.nextCursor).toBeNull();
      expectProblem(
        await harness.request('GET', `${OPERATOR_VIEW}?accountId=${encodeURIComponent('a b')}`, {
          token: operator,
        }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('counts and lists the dead letters that belong to no workspace', async () => {
      const operator = await harness.token({ sub: 'sre-1', role: 'operator' });
      const view = expectStatus(await harness.request('GET', OPERATOR_VIEW, { token: operator }), 200);
      expect(view.body.unattributed).toEqual({
        total: 1,
        failed: 1,
        parked: 0,
        byClass: [{ errorClass: 'invalid-event', failed: 1, parked: 0, total: 1 }],
      });
      const list = expectStatus(
        await harness.request('GET', `${OPERATOR_VIEW}/unattributed`, { token: operator }),
        200,
      );
      expect(list.body.items).toEqual([
        expect.objectContaining({
          kind: 'failed',
          accountId: null,
          version: null,
          failureId: expect.any(String),
          error: { class: 'invalid-event', code: 'EVENT_NOT_JSON', message: 'the record is not JSON' },
          action: expect.stringMatching(
            /^the event is not a valid account event .* — correct it where it is produced/,
          ),
          nextAttemptAt: null,
        }),
      ]);
      expect(list.body.counts.total).toBe(1);
      const none = expectStatus(
        await harness.request('GET', `${OPERATOR_VIEW}/unattributed?kind=parked`, { token: operator }),
        200,
      );
      expect(none.body).toMatchObject({ items: [], counts: { total: 0 }, nextCursor: null });
    });

    it('is for operators only', async () => {
      expectProblem(await harness.request('GET', OPERATOR_VIEW, { token: admin }), 403, 'FORBIDDEN');
      expectProblem(
        await harness.request('GET', `${OPERATOR_VIEW}/unattributed`, { token: admin }),
        403,
        'FORBIDDEN',
      );
    });
  });
});
