import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import { emptyOutcomeWrite, type AccountState, type PendingBackup } from './backup-state.types';
import { PgBackupStateStore } from './pg-backup-state.store';

function state(version: number, overrides: Partial<AccountState> = {}): AccountState {
  return {
    workspaceId: 'ws-1',
    accountId: 'acc-1',
    appliedVersion: version,
    cyberArkAccountId: '12_1',
    cyberArkName: 'vb.ws-1.acc-1',
    fingerprint: { 'prop:label': `h${version}` },
    lastEventId: `e${version}`,
    ...overrides,
  };
}

function pending(version: number, overrides: Partial<PendingBackup> = {}): PendingBackup {
  return {
    workspaceId: 'ws-1',
    accountId: 'acc-1',
    version,
    source: { topic: 'account-updated', partition: 2, offset: String(100 + version) },
    recordCiphertext: `sealed-${version}`,
    attempts: 1,
    firstFailedAt: new Date('2026-01-01T00:00:00Z'),
    nextAttemptAt: new Date('2026-01-01T00:01:00Z'),
    lastErrorClass: 'unavailable',
    lastErrorCode: 'SERVER_ERROR',
    lastErrorMessage: '503',
    ...overrides,
  };
}

describe('PgBackupStateStore on a real PostgreSQL', () => {
  let database: TestDatabase;
  let store: PgBackupStateStore;

  async function stored(ref: { workspaceId: string; accountId: string }) {
    const [row] = await database.dataSource.query<
      { applied_version: string; last_event_id: string; fingerprint: unknown }[]
    >(
      `SELECT applied_version, last_event_id, fingerprint FROM account_backup_state
        WHERE workspace_id = $1 AND account_id = $2`,
      [ref.workspaceId, ref.accountId],
    );
    return (
      row && {
        appliedVersion: Number(row.applied_version),
        lastEventId: row.last_event_id,
        fingerprint: row.fingerprint,
      }
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PgBackupStateStore(database.dataSource);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('upserts applied state and never lets a lower version overwrite a higher one', async () => {
    const ref = { workspaceId: 'ws-up', accountId: 'acc-1' };
    await store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(3, ref)] });
    await store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(2, ref)] });
    await store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(3, { ...ref, lastEventId: 'dup' })] });
    expect(await stored(ref)).toMatchObject({
      appliedVersion: 3,
      lastEventId: 'e3',
      fingerprint: { 'prop:label': 'h3' },
    });
    await store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(4, ref)] });
    expect((await stored(ref))?.appliedVersion).toBe(4);
  });

  it('fences writes: a version passes only while nothing newer was started or stored, and says what came before', async () => {
    const ref = { workspaceId: 'ws-fence', accountId: 'acc-1' };
    const key = 'ws-fence:acc-1';
    const first = await store.beginWrites([{ ...ref, version: 2 }], 'a');
    expect(first.get(key)).toEqual({ kind: 'granted' });
    // A write of an older version after a newer one started: refused, whoever asks.
    expect((await store.beginWrites([{ ...ref, version: 1 }], 'a')).has(key)).toBe(false);
    // The same version again (a retry) passes and reports the earlier start, whose outcome is unknown.
    expect((await store.beginWrites([{ ...ref, version: 2 }], 'b')).get(key)).toEqual({
      kind: 'granted',
      prior: { version: 2, owner: 'a' },
    });
    await store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(2, ref)] });
    // Stored at 2: another write of 2 is refused; 3 passes with the stored state to diff against.
    expect((await store.beginWrites([{ ...ref, version: 2 }], 'a')).has(key)).toBe(false);
    expect((await store.beginWrites([{ ...ref, version: 3 }], 'a')).get(key)).toMatchObject({
      kind: 'granted',
      prior: { version: 2, owner: 'b' },
      stored: {
        appliedVersion: 2,
        cyberArkAccountId: '12_1',
        fingerprint: { 'prop:label': 'h2' },
      },
    });
  });

  it('keeps the fence shut while an abandoned write may still land, for its owner only', async () => {
    const ref = { workspaceId: 'ws-settle', accountId: 'acc-1' };
    const key = 'ws-settle:acc-1';
    await store.beginWrites([{ ...ref, version: 3 }], 'a');
    // Another owner cannot shut a fence it does not hold.
    await store.settleAbandonedWrite({ ...ref, version: 3 }, 'b', 60_000);
    expect((await store.beginWrites([{ ...ref, version: 3 }], 'a')).get(key)).toMatchObject({
      kind: 'granted',
    });
    await store.settleAbandonedWrite({ ...ref, version: 3 }, 'a', 60_000);
    const settling = (await store.beginWrites([{ ...ref, version: 4 }], 'a')).get(key);
    expect(settling).toMatchObject({ kind: 'settling' });
    expect(settling?.kind === 'settling' && settling.waitMs).toBeGreaterThan(55_000);
    // An older version is refused outright; the settle ends after its time.
    expect((await store.beginWrites([{ ...ref, version: 2 }], 'a')).has(key)).toBe(false);
    await store.settleAbandonedWrite({ ...ref, version: 3 }, 'a', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.beginWrites([{ ...ref, version: 4 }], 'a')).get(key)).toMatchObject({
      kind: 'granted',
      prior: { version: 3, owner: 'a' },
    });
  });

  it('fences many accounts in one round trip', async () => {
    const starts = Array.from({ length: 500 }, (_, index) => ({
      workspaceId: 'ws-many',
      accountId: `acc-${index}`,
      version: 1,
    }));
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      applied: [state(1, { workspaceId: 'ws-many', accountId: 'acc-0' })],
    });
    const granted = await store.beginWrites(starts, 'a');
    expect(granted.size).toBe(499);
    expect(granted.has('ws-many:acc-0')).toBe(false);
  });

  it('parks the newest version, keeps the first failure time, and resolves it once applied', async () => {
    const ref = { workspaceId: 'ws-park', accountId: 'acc-1' };
    await store.saveOutcomes({ ...emptyOutcomeWrite(), deferred: [pending(2, ref)] });
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      deferred: [pending(3, { ...ref, firstFailedAt: new Date('2026-01-01T05:00:00Z'), attempts: 2 })],
    });
    await store.saveOutcomes({ ...emptyOutcomeWrite(), deferred: [pending(1, ref)] });
    expect((await store.loadPendingVersions([ref])).get('ws-park:acc-1')).toBe(3);
    const [due] = await store.duePending(
      [{ topic: 'account-updated', partition: 2 }],
      new Date('2026-01-02T00:00:00Z'),
      10,
    );
    expect(due).toMatchObject({
      version: 3,
      attempts: 2,
      firstFailedAt: new Date('2026-01-01T00:00:00Z'),
      recordCiphertext: 'sealed-3',
    });
    expect(
      await store.duePending(
        [{ topic: 'account-updated', partition: 9 }],
        new Date('2026-01-02T00:00:00Z'),
        10,
      ),
    ).toEqual([]);

    await store.saveOutcomes({ ...emptyOutcomeWrite(), resolvedPending: [{ ...ref, upToVersion: 2 }] });
    expect((await store.loadPendingVersions([ref])).has('ws-park:acc-1')).toBe(true);
    await store.saveOutcomes({ ...emptyOutcomeWrite(), resolvedPending: [{ ...ref, upToVersion: 3 }] });
    expect((await store.loadPendingVersions([ref])).has('ws-park:acc-1')).toBe(false);
  });

  it('records a failure once per source record and counts skipped events', async () => {
    const failure = {
      workspaceId: 'ws-f',
      accountId: 'acc-1',
      version: 1,
      eventId: 'e1',
      source: { topic: 'account-created', partition: 0, offset: '42' },
      errorClass: 'invalid-property',
      errorCode: 'PASWS167E',
      errorMessage: 'property not on platform',
      attempts: 1,
      recordCiphertext: 'sealed',
      deadLetter: { topic: 'account-events.dlq', partition: 0, offset: '7' },
    };
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      failures: [failure],
      skippedByWorkspace: new Map([['ws-s', 2]]),
    });
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      failures: [failure],
      skippedByWorkspace: new Map([['ws-s', 3]]),
    });
    const failures = await database.dataSource.query(
      `SELECT error_code, dlq_offset FROM backup_failure WHERE workspace_id = 'ws-f'`,
    );
    expect(failures).toEqual([{ error_code: 'PASWS167E', dlq_offset: '7' }]);
    const [skipped] = await database.dataSource.query(
      `SELECT skipped_count FROM skipped_event_stats WHERE workspace_id = 'ws-s'`,
    );
    expect(skipped.skipped_count).toBe('5');
  });

  it('writes a batch atomically: a failing statement leaves nothing behind', async () => {
    const ref = { workspaceId: 'ws-atomic', accountId: 'acc-1' };
    const broken = pending(1, { ...ref, lastErrorClass: null as unknown as string });
    await expect(
      store.saveOutcomes({ ...emptyOutcomeWrite(), applied: [state(1, ref)], deferred: [broken] }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/saving batch outcomes was rejected \(SQLSTATE 23502\)/),
      retriable: false,
    });
    expect(await stored(ref)).toBeUndefined();
  });

  it('grants a write lease to one owner at a time, renews it for the same owner, and frees it on release', async () => {
    const claim = { workspaceId: 'ws-lease', accountId: 'acc-1', version: 5 };
    expect(await store.claimLeases([claim], 'instance-a', 60_000)).toEqual(new Set(['ws-lease:acc-1']));
    expect(await store.claimLeases([{ ...claim, version: 6 }], 'instance-b', 60_000)).toEqual(new Set());
    expect(await store.claimLeases([{ ...claim, version: 6 }], 'instance-a', 60_000)).toEqual(
      new Set(['ws-lease:acc-1']),
    );
    // A release at an older version (a batch that finished after a newer claim) does not free the lease.
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      releasedLeases: { owner: 'instance-a', claims: [claim] },
    });
    expect(await store.claimLeases([claim], 'instance-b', 60_000)).toEqual(new Set());
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      releasedLeases: { owner: 'instance-a', claims: [{ ...claim, version: 6 }] },
    });
    expect(await store.claimLeases([claim], 'instance-b', 60_000)).toEqual(new Set(['ws-lease:acc-1']));
  });

  it('lets anyone take an expired lease', async () => {
    const claim = { workspaceId: 'ws-lease', accountId: 'acc-expired', version: 1 };
    await store.claimLeases([claim], 'crashed-instance', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.claimLeases([claim], 'instance-b', 60_000)).toEqual(new Set(['ws-lease:acc-expired']));
  });

  it('summarises the parked backlog: count, oldest failure and the worst share of a retry budget used', async () => {
    await database.dataSource.query(
      `INSERT INTO backup_configuration (workspace_id, status, retry_budget_seconds) VALUES ('ws-budget', 'enabled', 3600)`,
    );
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await store.saveOutcomes({
      ...emptyOutcomeWrite(),
      deferred: [pending(1, { workspaceId: 'ws-budget', accountId: 'acc-b', firstFailedAt: twoHoursAgo })],
    });
    const summary = await store.pendingSummary();
    expect(summary.count).toBeGreaterThanOrEqual(1);
    expect(summary.oldestFirstFailedAt!.getTime()).toBeLessThanOrEqual(twoHoursAgo.getTime());
    expect(summary.retryBudgetUsedRatio).toBeGreaterThanOrEqual(2);
  });
});
