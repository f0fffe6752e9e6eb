import { createTestDatabase, type TestDatabase, uniqueName } from '@vault-backup/testing';
import { PgAuditLogStore } from '../audit/pg-audit-log.store';
import { PgReplayJobStore } from './pg-replay-job.store';
import { type PlannedItem } from './replay-job.store';

const actor = { sub: 'alice', role: 'admin', requestId: 'req-1' } as const;

/** Failure rows of one workspace, one per account, version 1; their records are never opened here. */
async function insertFailures(
  database: TestDatabase,
  workspaceId: string,
  count: number,
): Promise<PlannedItem[]> {
  const rows = await database.dataSource.query<{ id: string; account_id: string }[]>(
    `INSERT INTO backup_failure (workspace_id, account_id, version, source_topic, source_partition, source_offset,
                                 error_class, error_code, error_message, attempts, record_ciphertext, dlq_topic)
     SELECT $1, 'acc-' || n, 1, $2, 0, n, 'invalid-property', 'PASWS167E', 'm', 1, 'sealed', 'dlq'
       FROM generate_series(1, $3::int) AS n
     RETURNING id, account_id`,
    [workspaceId, uniqueName('src'), count],
  );
  return rows.map((row) => ({
    failureId: row.id,
    workspaceId,
    accountId: row.account_id,
    version: '1',
    errorClass: 'invalid-property',
    errorCode: 'PASWS167E',
  }));
}

describe('PgReplayJobStore on a real PostgreSQL: one running job per workspace, leases, cancel against a batch', () => {
  let database: TestDatabase;
  let store: PgReplayJobStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PgReplayJobStore(database.dataSource, new PgAuditLogStore(database.dataSource));
  });

  afterAll(async () => {
    await database.drop();
  });

  async function newJob(workspaceId: string, count: number) {
    const items = await insertFailures(database, workspaceId, count);
    const job = await store.create(
      {
        kind: 'failures',
        scope: workspaceId,
        workspaceId,
        selection: { filter: {} },
        ratePerSecond: 10,
        createdBy: actor,
      },
      items,
      [{ workspaceId, actor, action: 'replay-job-created', details: {} }],
    );
    if (job === null) throw new Error('expected a job');
    return job;
  }

  it('lets only one of three concurrent creates win in a workspace', async () => {
    const workspaceId = uniqueName('ws');
    const items = await insertFailures(database, workspaceId, 2);
    const create = () =>
      store.create(
        {
          kind: 'failures',
          scope: workspaceId,
          workspaceId,
          selection: { filter: {} },
          ratePerSecond: 1,
          createdBy: actor,
        },
        items,
        [],
      );
    const results = await Promise.all([create(), create(), create()]);
    expect(results.filter((job) => job !== null)).toHaveLength(1);
  });

  it('leases a job to one owner at a time; another takes it over once the lease ran out', async () => {
    const job = await newJob(uniqueName('ws'), 3);
    const mine = await store.claim('owner-a', 60_000, 100);
    expect(mine.map((claimed) => claimed.id)).toContain(job.id);
    expect((await store.claim('owner-b', 60_000, 100)).map((claimed) => claimed.id)).not.toContain(job.id);
    expect(
      await store.runBatch(job.id, 'owner-b', { limit: 1, leaseMs: 60_000 }, () => Promise.resolve([])),
    ).toBe('not-running');

    await database.dataSource.query(
      `UPDATE replay_job SET lease_until = now() - interval '1 second' WHERE id = $1`,
      [job.id],
    );
    expect((await store.claim('owner-b', 60_000, 100)).map((claimed) => claimed.id)).toContain(job.id);
    expect(
      await store.runBatch(job.id, 'owner-a', { limit: 1, leaseMs: 60_000 }, () => Promise.resolve([])),
    ).toBe('not-running');
    await store.release('owner-b');
  });

  it('a cancel waits for the batch in progress; after it nothing more is handled, and resume continues', async () => {
    const job = await newJob(uniqueName('ws'), 4);
    await store.claim('owner-c', 60_000, 100);
    let releaseBatch: () => void = () => undefined;
    const batchHeld = new Promise<void>((resolve) => (releaseBatch = resolve));
    let batchStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (batchStarted = resolve));
    const batch = store.runBatch(job.id, 'owner-c', { limit: 2, leaseMs: 60_000 }, async ({ due }) => {
      batchStarted();
      await batchHeld;
      return due.map((item) => ({
        seq: item.seq,
        state: 'replayed' as const,
        ...(item.failure ? { failure: { id: item.failure.id, version: item.failure.version } } : {}),
        deliveredTo: { topic: 't', partition: 0, offset: String(item.seq) },
      }));
    });
    await started;
    let cancelDone = false;
    const cancel = store.cancel(job.id, actor, (current) => ({
      workspaceId: current.workspaceId ?? current.scope,
      actor,
      action: 'replay-job-cancelled',
      details: {},
    }));
    void cancel.then(() => (cancelDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cancelDone).toBe(false);
    releaseBatch();
    expect(await batch).toEqual({ handled: 2, finished: false });
    const cancelled = await cancel;
    expect(cancelled).toMatchObject({ status: 'cancelled', progress: { replayed: 2, toDo: 2 } });

    expect(
      await store.runBatch(job.id, 'owner-c', { limit: 2, leaseMs: 60_000 }, () => Promise.resolve([])),
    ).toBe('not-running');
    const resumed = await store.resume(job.id, (current) => ({
      workspaceId: current.workspaceId ?? current.scope,
      actor,
      action: 'replay-job-resumed',
      details: {},
    }));
    expect(resumed).toMatchObject({ status: 'running', progress: { replayed: 2, toDo: 2 } });
    const [first] = (await store.items(job.id, { limit: 1 })).items;
    const [failure] = await database.dataSource.query<{ status: string; replayed_by: string }[]>(
      `SELECT status, replayed_by FROM backup_failure WHERE id = $1`,
      [first?.failureId],
    );
    expect(failure).toEqual({ status: 'replayed', replayed_by: `replay-job:${job.id}` });
  });
});
