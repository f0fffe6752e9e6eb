import { createTestDatabase, type TestDatabase, uniqueName } from '@vault-backup/testing';
import { type AuditEntryInput } from '../audit/audit-entry';
import { PgAuditLogStore } from '../audit/pg-audit-log.store';
import { type Actor } from '../http/request-context';
import { DEFAULT_OPTIONS } from './backup-configuration';
import { type ConfigurationDraft } from './configuration.store';
import { ConcurrentChangeError } from './database-errors';
import { PgConfigurationStore } from './pg-configuration.store';

const actor: Actor = { sub: 'alice', role: 'owner', requestId: 'req-1' };

function draft(workspaceId: string, overrides: Partial<ConfigurationDraft> = {}): ConfigurationDraft {
  return {
    workspaceId,
    status: 'connected',
    connection: {
      identityUrl: 'https://a.id.cyberark.cloud',
      privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
      clientId: 'svc@cyberark.cloud.1',
      clientSecretCiphertext: 'eyJ.sealed',
    },
    targets: null,
    options: DEFAULT_OPTIONS,
    lastCheck: {
      outcome: 'passed',
      scope: 'connection',
      checkedAt: '2026-01-01T00:00:00.000Z',
      checks: [],
      missingPermissions: [],
      missingProperties: [],
    },
    connectedAt: new Date(),
    validatedAt: null,
    enabledAt: null,
    ...overrides,
  };
}

const entry = (workspaceId: string, action: AuditEntryInput['action'], details = {}): AuditEntryInput => ({
  workspaceId,
  actor,
  action,
  details,
});

describe('PgConfigurationStore and PgAuditLogStore on a real PostgreSQL', () => {
  let database: TestDatabase;
  let store: PgConfigurationStore;
  let auditLog: PgAuditLogStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    auditLog = new PgAuditLogStore(database.dataSource);
    store = new PgConfigurationStore(database.dataSource, auditLog);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('creates, reads back and updates at the expected revision, with audit entries', async () => {
    const workspace = uniqueName('ws');
    const created = await store.save(draft(workspace), null, [entry(workspace, 'created')]);
    expect(created).toMatchObject({
      workspaceId: workspace,
      status: 'connected',
      revision: 1,
      targets: null,
    });
    expect(await store.find(workspace)).toEqual(created);

    const updated = await store.save(
      { ...created, status: 'validated', targets: { safeName: 'S', platformId: 'P' } },
      created.revision,
      [entry(workspace, 'validated', { safeName: 'S' })],
    );
    expect(updated).toMatchObject({
      status: 'validated',
      revision: 2,
      targets: { safeName: 'S', platformId: 'P' },
    });
    expect((await auditLog.page(workspace, { limit: 10 })).items.map((item) => item.action)).toEqual([
      'validated',
      'created',
    ]);
  });

  it('lets only one of two concurrent creates or updates win', async () => {
    const workspace = uniqueName('ws');
    const results = await Promise.allSettled([
      store.save(draft(workspace), null, []),
      store.save(draft(workspace), null, []),
    ]);
    const rejected = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ConcurrentChangeError);
    const current = await store.find(workspace);
    await store.save({ ...current!, status: 'draft' }, 1, []);
    await expect(
      store.save({ ...current!, status: 'validated' }, 1, [entry(workspace, 'validated')]),
    ).rejects.toThrow(ConcurrentChangeError);
    expect((await store.find(workspace))?.status).toBe('draft');
    expect((await auditLog.page(workspace, { limit: 10 })).items).toEqual([]);
  });

  it('commits nothing when the audit entry cannot be written', async () => {
    const workspace = uniqueName('ws');
    await expect(
      store.save(draft(workspace), null, [entry(workspace, 'created', { clientSecret: 'leak' })]),
    ).rejects.toThrow();
    expect(await store.find(workspace)).toBeNull();
  });

  it('deletes idempotently, auditing only a real deletion; the audit log outlives the configuration', async () => {
    const workspace = uniqueName('ws');
    await store.save(draft(workspace), null, [entry(workspace, 'created')]);
    expect(await store.delete(workspace, [entry(workspace, 'deleted')])).toMatchObject({
      workspaceId: workspace,
    });
    expect(await store.delete(workspace, [entry(workspace, 'deleted')])).toBeNull();
    expect((await auditLog.page(workspace, { limit: 10 })).items.map((item) => item.action)).toEqual([
      'deleted',
      'created',
    ]);
  });

  it('counts open failures and skipped events of one workspace only', async () => {
    const workspace = uniqueName('ws');
    const insert = (ws: string, offset: number, status: string) =>
      database.dataSource.query(
        `INSERT INTO backup_failure (workspace_id, source_topic, source_partition, source_offset, error_class, error_code,
                                     error_message, attempts, record_ciphertext, dlq_topic, status)
         VALUES ($1, 't', 0, $2, 'c', 'C', 'm', 1, 'x', 'd', $3)`,
        [ws, offset, status],
      );
    await insert(workspace, 1, 'open');
    await insert(workspace, 2, 'open');
    await insert(workspace, 3, 'replayed');
    await insert(uniqueName('other'), 4, 'open');
    await database.dataSource.query(`INSERT INTO skipped_event_stats VALUES ($1, 7, now())`, [workspace]);
    expect(await store.counters(workspace)).toMatchObject({ openFailures: 2, skippedEvents: 7 });
    expect(await store.counters(uniqueName('none'))).toEqual({
      openFailures: 0,
      skippedEvents: 0,
      lastSkippedAt: null,
    });
  });

  it('pages the audit log by id, newest first (numerically, not as text)', async () => {
    const workspace = uniqueName('ws');
    await database.dataSource.transaction((manager) =>
      auditLog.append(
        manager,
        Array.from({ length: 12 }, () => entry(workspace, 'changed')),
      ),
    );
    const ids: string[] = [];
    let beforeId: string | undefined;
    for (;;) {
      const page = await auditLog.page(workspace, { limit: 5, ...(beforeId ? { beforeId } : {}) });
      ids.push(...page.items.map((item) => item.id));
      if (page.nextAfterId === null) break;
      beforeId = page.nextAfterId;
    }
    expect(ids).toHaveLength(12);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
  });

  it('lists every workspace for operators, in workspace order, filtered by status', async () => {
    const prefix = uniqueName('list');
    for (const [suffix, status] of [
      ['b', 'enabled'],
      ['a', 'draft'],
      ['c', 'enabled'],
    ] as const) {
      await store.save(draft(`${prefix}-${suffix}`, { status }), null, []);
    }
    const enabled = (await store.list({ status: 'enabled', limit: 1_000 })).filter((row) =>
      row.workspaceId.startsWith(prefix),
    );
    expect(enabled.map((row) => row.workspaceId)).toEqual([`${prefix}-b`, `${prefix}-c`]);
    const page = await store.list({ afterWorkspaceId: `${prefix}-a`, limit: 1 });
    expect(page.map((row) => row.workspaceId)).toEqual([`${prefix}-b`]);
  });
});
