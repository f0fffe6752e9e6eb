import { runCli } from '../cli/cli.program';
import { EXIT } from '../cli/exit-codes';
import { finished, job } from '../../test/support/contract-fixtures';
import { FakeAdminApi } from '../../test/support/fake-admin-api';
import { type FakeRuntime, fakeRuntime, fakeToken } from '../../test/support/fake-runtime';

const JOBS = '/api/v1/workspaces/ws-1/vault-backup/replay-jobs';
const OPERATOR_JOBS = '/api/v1/vault-backups/replay-jobs';

describe('jobs', () => {
  let api: FakeAdminApi;
  let runtime: FakeRuntime;

  beforeEach(async () => {
    api = await FakeAdminApi.start();
  });

  afterEach(async () => {
    runtime.cleanUp();
    await api.close();
  });

  const run = (
    argv: string[],
    claims: Record<string, unknown> = { sub: 'alice', role: 'admin', workspace_id: 'ws-1' },
  ) => {
    runtime = fakeRuntime({ env: { VAULT_BACKUP_TOKEN: fakeToken(claims) } });
    return runCli([...argv, '--api-url', api.url], runtime);
  };

  it("lists the workspace's jobs", async () => {
    api.on('GET', JOBS, { body: { items: [job()], nextCursor: null } });
    expect(await run(['jobs', 'list', '--status', 'running'])).toBe(EXIT.ok);
    expect(api.requests[0].query).toEqual({ status: 'running' });
    expect(runtime.out()).toMatch(/job-1\s+failures\s+ws-1\s+running\s+4\s+0\s+0\s+4/);
  });

  it('uses the operators routes without a workspace', async () => {
    api.on('GET', `${OPERATOR_JOBS}/job-1`, { body: finished() });
    expect(await run(['jobs', 'show', 'job-1'], { sub: 'sre', role: 'operator' })).toBe(EXIT.ok);
    expect(runtime.out()).toContain('job job-1 (failures, workspace ws-1): completed');
  });

  it('show --watch follows the job and exits like replay', async () => {
    api.on(
      'GET',
      `${JOBS}/job-1`,
      { body: job({ done: 1, toDo: 3 }) },
      { body: finished({ failedAgain: 1, applied: 2 }) },
    );
    expect(await run(['jobs', 'show', 'job-1', '--watch'])).toBe(EXIT.partial);
    expect(runtime.sleeps).toEqual([1_000]);
  });

  it.each(['cancel', 'resume'])('%s posts to the job', async (verb) => {
    api.on('POST', `${JOBS}/job-1/${verb}`, {
      body: job({}, {}, verb === 'cancel' ? 'cancelled' : 'running'),
    });
    expect(await run(['jobs', verb, 'job-1', '--json'])).toBe(EXIT.ok);
    expect(JSON.parse(runtime.out())).toMatchObject({ id: 'job-1' });
  });

  it('report pages through the items with the filters', async () => {
    const item = {
      failureId: 'f-1',
      accountId: 'acc-1',
      version: '7',
      state: 'replayed',
      reason: null,
      outcome: 'failed-again',
      outcomeCode: 'PASWS041E',
      handledAt: '2026-12-03T12:00:01.000Z',
    };
    api.on(
      'GET',
      `${JOBS}/job-1/items`,
      { body: { items: [item], nextCursor: 'c1' } },
      { body: { items: [item], nextCursor: null } },
    );
    expect(
      await run(['jobs', 'report', 'job-1', '--state', 'replayed', '--outcome', 'failed-again', '--all']),
    ).toBe(EXIT.ok);
    expect(api.requests.map((request) => request.query)).toEqual([
      { state: 'replayed', outcome: 'failed-again' },
      { state: 'replayed', outcome: 'failed-again', cursor: 'c1' },
    ]);
    expect(runtime.out()).toMatch(/acc-1\s+7\s+replayed\s+-\s+failed-again\s+PASWS041E/);
  });
});
