import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';
import { finished, job } from '../../test/support/contract-fixtures';

const JOBS = '/api/v1/workspaces/ws-1/vault-backup/replay-jobs';
const OPERATOR_JOBS = '/api/v1/vault-backups/replay-jobs';

describe('jobs', () => {
  const cli = useFakeAdminApi();

  it("lists the workspace's jobs", async () => {
    cli.api.on('GET', JOBS, { body: { items: [job()], nextCursor: null } });
    expect(await cli.run(['jobs', 'list', '--status', 'running'])).toBe(EXIT.ok);
    expect(cli.api.requests[0].query).toEqual({ status: 'running' });
    expect(cli.runtime.out()).toMatch(/job-1\s+failures\s+ws-1\s+running\s+4\s+0\s+0\s+4/);
  });

  it('uses the operators routes without a workspace', async () => {
    cli.api.on('GET', `${OPERATOR_JOBS}/job-1`, { body: finished() });
    expect(await cli.run(['jobs', 'show', 'job-1'], { claims: { sub: 'sre', role: 'operator' } })).toBe(
      EXIT.ok,
    );
    expect(cli.runtime.out()).toContain('job job-1 (failures, workspace ws-1): completed');
  });

  it('show --watch follows the job and exits like replay', async () => {
    cli.api.on(
      'GET',
      `${JOBS}/job-1`,
      { body: job({ done: 1, toDo: 3 }) },
      { body: finished({ failedAgain: 1, applied: 2 }) },
    );
    expect(await cli.run(['jobs', 'show', 'job-1', '--watch'])).toBe(EXIT.partial);
    expect(cli.runtime.sleeps).toEqual([1_000]);
  });

  it.each(['cancel', 'resume'])('%s posts to the job', async (verb) => {
    cli.api.on('POST', `${JOBS}/job-1/${verb}`, {
      body: job({}, {}, verb === 'cancel' ? 'cancelled' : 'running'),
    });
    expect(await cli.run(['jobs', verb, 'job-1', '--json'])).toBe(EXIT.ok);
    expect(JSON.parse(cli.runtime.out())).toMatchObject({ id: 'job-1' });
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
    cli.api.on(
      'GET',
      `${JOBS}/job-1/items`,
      { body: { items: [item], nextCursor: 'c1' } },
      { body: { items: [item], nextCursor: null } },
    );
    expect(
      await cli.run(['jobs', 'report', 'job-1', '--state', 'replayed', '--outcome', 'failed-again', '--all']),
    ).toBe(EXIT.ok);
    expect(cli.api.requests.map((request) => request.query)).toEqual([
      { state: 'replayed', outcome: 'failed-again' },
      { state: 'replayed', outcome: 'failed-again', cursor: 'c1' },
    ]);
    expect(cli.runtime.out()).toMatch(/acc-1\s+7\s+replayed\s+-\s+failed-again\s+PASWS041E/);
  });
});
