import { accountContent, passwordOf, uniqueName, waitFor } from '@vault-backup/testing';
import { AdminE2eHarness, expectStatus, SAFE, type TenantFixture } from './support/admin-e2e.harness';
import { expectProblem, fieldsOf, type HttpResult } from './support/http-result';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;
const jobsOf = (workspace: string) => `${base(workspace)}/replay-jobs`;
const OPERATOR_JOBS = '/api/v1/vault-backups/replay-jobs';

interface Job {
  id: string;
  status: string;
  settled: boolean;
  progress: { total: number; done: number; toDo: number; failed: number; replayed: number; skipped: number };
  outcome: { applied: number; failedAgain: number; parked: number; inFlight: number };
}

describe('replay jobs: dry run, rate-limited job, progress, cancel, resume, report', () => {
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create({
      env: { REPLAY_JOB_POLL_INTERVAL: '100ms', REPLAY_JOB_MAX_ITEMS: '2000' },
    });
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** An enabled backup whose events may carry plaintext secrets (the fixtures do). */
  async function enabledWorkspace(): Promise<{ workspace: string; tenant: TenantFixture; token: string }> {
    const workspace = uniqueName('ws-rj');
    const tenant = await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'admin', 'user-replayer');
    expectStatus(
      await harness.request('PATCH', `${base(workspace)}/options`, {
        token,
        body: { allowPlaintextSecrets: true },
      }),
      200,
    );
    return { workspace, tenant, token };
  }

  async function job(workspace: string, id: string, token: string): Promise<Job> {
    return expectStatus(await harness.request('GET', `${jobsOf(workspace)}/${id}`, { token }), 200)
      .body as Job;
  }

  async function settled(workspace: string, id: string, token: string, timeoutMs = 60_000): Promise<Job> {
    return waitFor(
      async () => {
        const current = await job(workspace, id, token);
        return current.settled ? current : undefined;
      },
      { timeoutMs, intervalMs: 200, description: `replay job ${id} settled` },
    );
  }

  /** Every write of the tenant's safe, counted by account name suffix. */
  async function writesByAccount(tenant: TenantFixture): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const entry of await harness.simulator.control.readWholeWriteLog(tenant.tenant)) {
      if (entry.safeName !== SAFE) continue;
      counts.set(entry.accountName, (counts.get(entry.accountName) ?? 0) + 1);
    }
    return counts;
  }

  it('replays 1,000 failures by filter: a dry run writes nothing; the job is rate-limited, cancel keeps what was done, resume finishes; each account is written once', async () => {
    const { workspace, tenant, token } = await enabledWorkspace();
    const accounts = Array.from({ length: 1_000 }, (_, index) => `acc-${String(index).padStart(4, '0')}`);
    await harness.insertAccountFailures(
      workspace,
      accounts.map((account) => accountContent(workspace, account, 1)),
    );
    const selection = { filter: { errorClass: 'invalid-property' } };

    const plan = expectStatus(
      await harness.request('POST', jobsOf(workspace), { token, body: { selection, dryRun: true } }),
      200,
    );
    expect(plan.body).toMatchObject({
      dryRun: true,
      toReplay: 1_000,
      toSkip: { superseded: 0, recordTooLarge: 0, unreadable: 0 },
      truncated: true,
    });
    expect(plan.body.items).toHaveLength(100);
    expect(plan.body.items[0]).toMatchObject({ action: 'replay', errorClass: 'invalid-property' });
    expect((await harness.request('GET', base(workspace), { token })).body.counters.openFailures).toBe(1_000);

    const created = expectStatus(
      await harness.request('POST', jobsOf(workspace), { token, body: { selection, ratePerSecond: 100 } }),
      202,
    );
    expect(created.headers.get('location')).toBe(`${jobsOf(workspace)}/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: 'running',
      ratePerSecond: 100,
      createdBy: { sub: 'user-replayer', role: 'admin' },
      progress: { total: 1_000, done: 0, toDo: 1_000, failed: 0 },
    });
    const id = created.body.id as string;

    const second = await harness.request('POST', jobsOf(workspace), { token, body: { selection } });
    expectProblem(second, 409, 'REPLAY_JOB_ACTIVE');
    expect(second.body.activeJobId).toBe(id);

    await waitFor(async () => (await job(workspace, id, token)).progress.done >= 150, {
      timeoutMs: 30_000,
      description: 'some progress',
    });
    const cancelled = expectStatus(
      await harness.request('POST', `${jobsOf(workspace)}/${id}/cancel`, { token }),
      200,
    ).body as Job;
    expect(cancelled.status).toBe('cancelled');
    const doneAtCancel = cancelled.progress.done;
    expect(doneAtCancel).toBeGreaterThanOrEqual(150);
    // At 100 per second it cannot have finished: the rate limit holds.
    expect(cancelled.progress.toDo).toBeGreaterThan(0);
    expect(cancelled.progress.done + cancelled.progress.toDo).toBe(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await job(workspace, id, token)).progress.done).toBe(doneAtCancel);
    expectProblem(
      await harness.request('POST', `${jobsOf(workspace)}/${id}/cancel`, { token }),
      409,
      'REPLAY_JOB_NOT_RUNNING',
    );

    const resumed = expectStatus(
      await harness.request('POST', `${jobsOf(workspace)}/${id}/resume`, { token }),
      200,
    ).body as Job;
    expect(resumed.status).toBe('running');
    const final = await settled(workspace, id, token, 90_000);
    expect(final).toMatchObject({
      status: 'completed',
      progress: { total: 1_000, done: 1_000, toDo: 0, failed: 0, replayed: 1_000, skipped: 0 },
      outcome: { applied: 1_000, failedAgain: 0, parked: 0, inFlight: 0 },
    });

    const writes = await writesByAccount(tenant);
    expect(writes.size).toBe(1_000);
    expect([...writes.values()].every((count) => count === 1)).toBe(true);
    expect((await harness.request('GET', base(workspace), { token })).body.counters.openFailures).toBe(0);

    const report = expectStatus(
      await harness.request('GET', `${jobsOf(workspace)}/${id}/items?limit=200&outcome=applied`, { token }),
      200,
    );
    expect(report.body.items).toHaveLength(200);
    expect(report.body.items[0]).toMatchObject({
      state: 'replayed',
      outcome: 'applied',
      deliveredTo: { topic: harness.topics.created },
    });
    expect(report.body.nextCursor).toEqual(expect.any(String));

    const audit = expectStatus(
      await harness.request('GET', `${base(workspace)}/audit-log?limit=50`, { token }),
      200,
    );
    const actions = (audit.body.items as { action: string }[]).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'replay-job-planned',
        'replay-job-created',
        'replay-job-cancelled',
        'replay-job-resumed',
        'replay-job-finished',
      ]),
    );
  }, 180_000);

  it('a replay of a failure older than the account’s newest writes the newest; replaying again writes nothing more', async () => {
    const { workspace, tenant, token } = await enabledWorkspace();
    const [olderId, newerId] = await harness.insertAccountFailures(workspace, [
      accountContent(workspace, 'acc-old', 2),
      accountContent(workspace, 'acc-old', 3),
    ]);

    const plan = expectStatus(
      await harness.request('POST', jobsOf(workspace), {
        token,
        body: { selection: { failureIds: [olderId] }, dryRun: true },
      }),
      200,
    );
    expect(plan.body).toMatchObject({
      toReplay: 1,
      items: [{ accountId: 'acc-old', version: '3', action: 'replay' }],
    });

    const first = expectStatus(
      await harness.request('POST', jobsOf(workspace), {
        token,
        body: { selection: { failureIds: [olderId] } },
      }),
      202,
    );
    const done = await settled(workspace, first.body.id as string, token);
    expect(done.outcome).toMatchObject({ applied: 1, failedAgain: 0 });
    const accounts = await harness.simulator.control.listAccounts(tenant.tenant, { safeName: SAFE });
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.platformAccountProperties).toMatchObject({ label: 'v3' });

    const again = expectStatus(
      await harness.request('POST', jobsOf(workspace), {
        token,
        body: { selection: { failureIds: [olderId] } },
      }),
      202,
    );
    const repeat = await settled(workspace, again.body.id as string, token);
    expect(repeat.progress).toMatchObject({ total: 1, replayed: 0, skipped: 1 });
    const items = expectStatus(
      await harness.request('GET', `${jobsOf(workspace)}/${again.body.id}/items`, { token }),
      200,
    );
    // The selected version 2 is older than what the safe now holds.
    expect(items.body.items[0]).toMatchObject({ state: 'skipped', reason: 'superseded' });

    const third = expectStatus(
      await harness.request('POST', jobsOf(workspace), {
        token,
        body: { selection: { failureIds: [newerId] } },
      }),
      202,
    );
    expect((await settled(workspace, third.body.id as string, token)).progress).toMatchObject({
      replayed: 0,
      skipped: 1,
    });
    const thirdItems = expectStatus(
      await harness.request('GET', `${jobsOf(workspace)}/${third.body.id}/items`, { token }),
      200,
    );
    expect(thirdItems.body.items[0]).toMatchObject({
      failureId: newerId,
      state: 'skipped',
      reason: 'already-replayed',
    });
    expect([...(await writesByAccount(tenant)).values()]).toEqual([1]);
  }, 120_000);

  it('roles: operator reads jobs but cannot start one; operator_replay can, audited with its role; members and other workspaces cannot', async () => {
    const { workspace } = await enabledWorkspace();
    const [failureId] = await harness.insertAccountFailures(workspace, [
      accountContent(workspace, 'acc-role', 1),
    ]);
    const body = { selection: { failureIds: [failureId] } };
    const operator = await harness.token({ sub: 'sre-read', role: 'operator' });
    const operatorReplay = await harness.token({ sub: 'sre-replay', role: 'operator_replay' });
    const member = await harness.tokenFor(workspace, 'member');
    const stranger = await harness.tokenFor(uniqueName('ws-other'), 'admin');

    expectProblem(
      await harness.request('POST', jobsOf(workspace), { token: operator, body }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await harness.request('POST', jobsOf(workspace), { token: member, body }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await harness.request('POST', jobsOf(workspace), { token: stranger, body }),
      404,
      'VAULT_BACKUP_NOT_FOUND',
    );

    const created = expectStatus(
      await harness.request('POST', jobsOf(workspace), { token: operatorReplay, body }),
      202,
    );
    expect(created.body.createdBy).toEqual({ sub: 'sre-replay', role: 'operator_replay' });
    const id = created.body.id as string;
    expectStatus(await harness.request('GET', `${jobsOf(workspace)}/${id}`, { token: operator }), 200);
    const listed = expectStatus(
      await harness.request('GET', `${OPERATOR_JOBS}?limit=200`, { token: operator }),
      200,
    );
    expect((listed.body.items as { id: string }[]).map((item) => item.id)).toContain(id);
    expectProblem(
      await harness.request('GET', `${jobsOf(workspace)}/${id}`, { token: stranger }),
      404,
      'VAULT_BACKUP_NOT_FOUND',
    );
    expectProblem(
      await harness.request('POST', `${OPERATOR_JOBS}/${id}/cancel`, { token: operator }),
      403,
      'FORBIDDEN',
    );

    const admin = await harness.tokenFor(workspace, 'owner');
    const audit = expectStatus(
      await harness.request('GET', `${base(workspace)}/audit-log`, { token: admin }),
      200,
    );
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'replay-job-created',
          actor: { sub: 'sre-replay', role: 'operator_replay' },
          details: expect.objectContaining({ jobId: id, actorRole: 'operator_replay' }),
        }),
      ]),
    );
    await settled(workspace, id, admin);
  }, 120_000);

  it('bad input gets a precise 4xx and creates nothing', async () => {
    const { workspace, token } = await enabledWorkspace();
    const post = (body: unknown): Promise<HttpResult> =>
      harness.request('POST', jobsOf(workspace), { token, body });

    expect(
      fieldsOf(expectProblem(await post({ selection: { filter: {} }, extra: 1 }), 400, 'VALIDATION_FAILED')),
    ).toEqual(['extra']);
    expect(fieldsOf(expectProblem(await post({ selection: {} }), 400, 'VALIDATION_FAILED'))).toEqual([
      'selection',
    ]); // Found by schemathesis: a missing or null selection, or a null option, is a 400, never a 500.
    expect(fieldsOf(expectProblem(await post({}), 400, 'VALIDATION_FAILED'))).toContain('selection');
    expect(fieldsOf(expectProblem(await post({ selection: null }), 400, 'VALIDATION_FAILED'))).toContain(
      'selection',
    );
    expect(
      fieldsOf(
        expectProblem(await post({ selection: { filter: {} }, dryRun: null }), 400, 'VALIDATION_FAILED'),
      ),
    ).toEqual(['dryRun']);
    expect(
      fieldsOf(
        expectProblem(await post({ selection: { filter: { code: null } } }), 400, 'VALIDATION_FAILED'),
      ),
    ).toEqual(['selection.filter.code']);

    expect(
      fieldsOf(
        expectProblem(
          await post({ selection: { failureIds: ['00000000-0000-4000-8000-000000000001'], filter: {} } }),
          400,
          'VALIDATION_FAILED',
        ),
      ),
    ).toEqual(['selection']);
    expect(
      fieldsOf(expectProblem(await post({ selection: { failureIds: ['nope'] } }), 400, 'VALIDATION_FAILED')),
    ).toEqual(['selection.failureIds']);
    expect(
      fieldsOf(expectProblem(await post({ selection: { failureIds: [] } }), 400, 'VALIDATION_FAILED')),
    ).toEqual(['selection.failureIds']);
    expect(
      fieldsOf(
        expectProblem(
          await post({ selection: { filter: { errorClass: 'nope' } } }),
          400,
          'VALIDATION_FAILED',
        ),
      ),
    ).toEqual(['selection.filter.errorClass']);
    expect(
      fieldsOf(
        expectProblem(
          await post({ selection: { filter: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' } } }),
          400,
          'VALIDATION_FAILED',
        ),
      ),
    ).toEqual(['selection.filter.to']);
    expect(
      fieldsOf(
        expectProblem(
          await post({ selection: { filter: {} }, ratePerSecond: 5_000 }),
          400,
          'VALIDATION_FAILED',
        ),
      ),
    ).toEqual(['ratePerSecond']);
    expectProblem(await post({ selection: { filter: {} } }), 422, 'EMPTY_SELECTION');
    const unknown = expectProblem(
      await post({ selection: { failureIds: ['00000000-0000-4000-8000-000000000001'] } }),
      422,
      'UNKNOWN_FAILURES',
    );
    expect(unknown.body.unknownFailureIds).toBe('00000000-0000-4000-8000-000000000001');

    await harness.insertAccountFailures(
      workspace,
      Array.from({ length: 2_001 }, (_, index) => accountContent(workspace, `acc-big-${index}`, 1)),
    );
    const tooLarge = expectProblem(await post({ selection: { filter: {} } }), 422, 'SELECTION_TOO_LARGE');
    expect(tooLarge.body.maxItems).toBe(2_000);

    expectProblem(
      await harness.request('GET', `${jobsOf(workspace)}/00000000-0000-4000-8000-000000000009`, { token }),
      404,
      'REPLAY_JOB_NOT_FOUND',
    );
    expect(
      fieldsOf(
        expectProblem(
          await harness.request('GET', `${jobsOf(workspace)}/not-a-job`, { token }),
          400,
          'VALIDATION_FAILED',
        ),
      ),
    ).toEqual(['jobId']);
    expect((await harness.request('GET', jobsOf(workspace), { token })).body.items).toEqual([]);
  }, 120_000);

  it('replays a record that exists only on the dead-letter topic (operator_replay), decrypting its value; operator is refused', async () => {
    const { workspace, tenant, token } = await enabledWorkspace();
    expectStatus(
      await harness.request('PATCH', `${base(workspace)}/options`, {
        token,
        body: { allowPlaintextSecrets: false },
      }),
      200,
    );
    // Plaintext secrets are refused: a failure row and a dead letter, its value encrypted (JWE).
    await harness.emit(accountContent(workspace, 'acc-dlq', 1));
    const [position] = await waitFor(
      async () => {
        const rows = await harness.database.dataSource.query<{ partition: number; offset: string }[]>(
          `SELECT dlq_partition AS partition, dlq_offset::text AS offset FROM backup_failure WHERE workspace_id = $1`,
          [workspace],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the dead letter' },
    );
    // The database lost the failure (restored from an older backup): only the dead letter is left.
    await harness.database.dataSource.query(`DELETE FROM backup_failure WHERE workspace_id = $1`, [
      workspace,
    ]);
    expectStatus(
      await harness.request('PATCH', `${base(workspace)}/options`, {
        token,
        body: { allowPlaintextSecrets: true },
      }),
      200,
    );
    const operator = await harness.token({ sub: 'sre-read', role: 'operator' });
    const operatorReplay = await harness.token({ sub: 'sre-dlq', role: 'operator_replay' });
    const selection = {
      partition: position?.partition,
      fromOffset: position?.offset,
      toOffset: position?.offset,
      workspaceId: workspace,
    };
    const path = '/api/v1/vault-backups/dead-letter-replay-jobs';
    expectProblem(
      await harness.request('POST', path, { token: operator, body: { selection } }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await harness.request('POST', path, { token, body: { selection } }), 403, 'FORBIDDEN');

    const plan = expectStatus(
      await harness.request('POST', path, { token: operatorReplay, body: { selection, dryRun: true } }),
      200,
    );
    expect(plan.body).toMatchObject({
      toReplay: 1,
      items: [{ workspaceId: workspace, accountId: 'acc-dlq', version: '1', action: 'replay' }],
    });
    expect(JSON.stringify(plan.body)).not.toContain(passwordOf('acc-dlq', 1));

    const created = expectStatus(
      await harness.request('POST', path, { token: operatorReplay, body: { selection } }),
      202,
    );
    expect(created.body).toMatchObject({ kind: 'dead-letter', workspaceId: workspace });
    const done = await waitFor(
      async () => {
        const current = expectStatus(
          await harness.request('GET', `${OPERATOR_JOBS}/${created.body.id}`, { token: operator }),
          200,
        ).body as Job;
        return current.settled ? current : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the dead-letter job settled' },
    );
    expect(done).toMatchObject({ status: 'completed', outcome: { applied: 1, failedAgain: 0, inFlight: 0 } });
    const [account] = await harness.simulator.control.listAccounts(tenant.tenant, { safeName: SAFE });
    expect(account?.secret.reveal()).toBe(passwordOf('acc-dlq', 1));

    // The workspace's admins see the job and its audit entry.
    expectStatus(await harness.request('GET', `${jobsOf(workspace)}/${created.body.id}`, { token }), 200);
    const audit = expectStatus(await harness.request('GET', `${base(workspace)}/audit-log`, { token }), 200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'replay-job-created',
          actor: { sub: 'sre-dlq', role: 'operator_replay' },
        }),
      ]),
    );
  }, 120_000);

  it('a backup turned off during a job stops the job (cancelled by the service, audited); what it produced settles as applied or not written', async () => {
    const { workspace, token } = await enabledWorkspace();
    await harness.insertAccountFailures(
      workspace,
      Array.from({ length: 20 }, (_, index) => accountContent(workspace, `acc-off-${index}`, 1)),
    );
    const created = expectStatus(
      await harness.request('POST', jobsOf(workspace), {
        token,
        body: { selection: { filter: {} }, ratePerSecond: 2 },
      }),
      202,
    );
    const id = created.body.id as string;
    await waitFor(async () => (await job(workspace, id, token)).progress.replayed >= 2, {
      timeoutMs: 30_000,
      description: 'two records replayed',
    });
    const owner = await harness.tokenFor(workspace, 'owner');
    expectStatus(await harness.request('POST', `${base(workspace)}/disable`, { token: owner }), 200);

    const stopped = await settled(workspace, id, token);
    expect(stopped.status).toBe('cancelled');
    expect(stopped.progress.toDo).toBeGreaterThan(0);
    const outcome = stopped.outcome as Job['outcome'] & { notWritten: number };
    expect(outcome.applied + outcome.notWritten).toBe(stopped.progress.replayed);
    const audit = expectStatus(
      await harness.request('GET', `${base(workspace)}/audit-log`, { token: owner }),
      200,
    );
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'replay-job-cancelled',
          actor: { sub: 'vault-backup', role: 'system' },
          details: expect.objectContaining({ jobId: id, reason: 'backup-not-enabled' }),
        }),
      ]),
    );
    expectProblem(
      await harness.request('POST', `${jobsOf(workspace)}/${id}/resume`, { token }),
      409,
      'BACKUP_NOT_ENABLED',
    );
  }, 120_000);
});
