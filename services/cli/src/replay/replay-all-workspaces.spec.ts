import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';
import {
  finished,
  job,
  jobIn,
  plan,
  workspaceProblems,
  workspaceProblemsPage,
} from '../../test/support/contract-fixtures';
import { type FakeAnswer, problem, type RecordedRequest } from '../../test/support/fake-admin-api';

const PROBLEMS = '/api/v1/vault-backups/problems';
const jobsOf = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup/replay-jobs`;
const SRE = { sub: 'sre', role: 'operator_replay' };

describe('replay --all-workspaces', () => {
  const cli = useFakeAdminApi({ claims: SRE });

  /** Two pages of workspaces with failed backups: ws-1, then ws-2 and ws-3. */
  const workspaces = () =>
    cli.api.on(
      'GET',
      PROBLEMS,
      { body: workspaceProblemsPage([workspaceProblems('ws-1', 3)], 'c2') },
      { body: workspaceProblemsPage([workspaceProblems('ws-2', 2, 1), workspaceProblems('ws-3', 1)]) },
    );

  /** A workspace's create route: the plan on a dry run, else the job (or a problem). */
  const replayJobs = (workspace: string, toReplay: number, created: FakeAnswer) =>
    cli.api.on('POST', jobsOf(workspace), (request: RecordedRequest) =>
      (request.body as { dryRun?: boolean }).dryRun === true ? { body: plan(toReplay) } : created,
    );

  const emptySelection = (workspace: string) =>
    cli.api.on(
      'POST',
      jobsOf(workspace),
      problem(422, 'EMPTY_SELECTION', 'Nothing to replay', 'no open failure matches the selection'),
    );

  /** ws-1 and ws-2 plan and start their jobs; ws-3 has nothing left to replay. */
  const threeWorkspaces = () => {
    workspaces();
    replayJobs('ws-1', 3, { status: 202, body: jobIn('ws-1', 'job-a') });
    replayJobs('ws-2', 2, { status: 202, body: jobIn('ws-2', 'job-b') });
    emptySelection('ws-3');
  };

  const creates = () =>
    cli.api.requests.filter(
      (request) => request.method === 'POST' && (request.body as { dryRun?: boolean }).dryRun !== true,
    );

  it('plans every workspace with matching failures, replays each in one job and exits 0 when all are clean', async () => {
    threeWorkspaces();
    cli.api.on(
      'GET',
      `${jobsOf('ws-1')}/job-a`,
      { body: jobIn('ws-1', 'job-a', job({ done: 2, toDo: 2, replayed: 2 }, { inFlight: 1 })) },
      { body: jobIn('ws-1', 'job-a', finished()) },
    );
    cli.api.on('GET', `${jobsOf('ws-2')}/job-b`, { body: jobIn('ws-2', 'job-b', finished()) });
    const argv = ['replay', '--all-workspaces', '--class', 'permission', '--rate', '5'];
    const code = await cli.run(argv, { stdinIsTTY: true, confirm: async () => true });

    expect(code).toBe(EXIT.ok);
    expect(cli.api.requestsTo('GET', PROBLEMS).map((request) => request.query)).toEqual([
      { kind: 'failed', errorClass: 'permission', limit: '200' },
      { kind: 'failed', errorClass: 'permission', limit: '200', cursor: 'c2' },
    ]);
    for (const workspace of ['ws-1', 'ws-2', 'ws-3']) {
      expect(cli.api.requestsTo('POST', jobsOf(workspace))[0].body).toEqual({
        selection: { filter: { errorClass: 'permission' } },
        dryRun: true,
      });
    }
    expect(creates().map((request) => [request.path, request.body])).toEqual([
      [jobsOf('ws-1'), { selection: { filter: { errorClass: 'permission' } }, ratePerSecond: 5 }],
      [jobsOf('ws-2'), { selection: { filter: { errorClass: 'permission' } }, ratePerSecond: 5 }],
    ]);
    expect(cli.runtime.prompted).toEqual(['Replay 5 records in 2 workspaces?']);
    const out = cli.runtime.out();
    expect(out).toContain('plan for 3 workspaces: 5 to replay; to skip: superseded 2');
    expect(out).toMatch(/ws-1\s+3\s+1\n/);
    expect(out).toMatch(/ws-3\s+0\s+0\s+nothing matches: skipped/);
    expect(out).toMatch(/total\s+5\s+2/);
    expect(out).toMatch(/ws-1\s+job-a\s+completed\s+4\s+3\s+1\s+0\s+0\s+3\s+0\s+0\s+0\s+clean/);
    expect(out).toMatch(/ws-2\s+job-b\s+completed\s+.*clean/);
    const err = cli.runtime.err();
    expect(err).toContain('workspace ws-3: nothing to replay (empty-selection), skipped');
    expect(err).toContain('workspace ws-1: job job-a started');
    expect(err).toContain(
      '[------------------------------]   0% 0/8 done 0 failed 0 to do 8 in flight 0 (0/2 jobs settled)',
    );
    expect(err).toContain(
      '[##############################] 100% 8/8 done 8 failed 0 to do 0 in flight 0 (2/2 jobs settled)',
    );
  });

  it('reports a workspace whose job is already active, goes on with the others and exits 3', async () => {
    workspaces();
    replayJobs('ws-1', 3, { status: 202, body: jobIn('ws-1', 'job-a') });
    replayJobs(
      'ws-2',
      2,
      problem(
        409,
        'REPLAY_JOB_ACTIVE',
        'Replay job active',
        'workspace ws-2 already has an active replay job',
        {
          activeJobId: 'job-0',
        },
      ),
    );
    emptySelection('ws-3');
    cli.api.on('GET', `${jobsOf('ws-1')}/job-a`, { body: jobIn('ws-1', 'job-a', finished()) });

    expect(await cli.run(['replay', '--all-workspaces', '--all', '--yes'])).toBe(EXIT.partial);
    expect(creates().map((request) => request.path)).toEqual([jobsOf('ws-1'), jobsOf('ws-2')]);
    expect(cli.runtime.err()).toContain(
      [
        'workspace ws-2 skipped: Replay job active: workspace ws-2 already has an active replay job',
        '  active job: job-0',
        '  follow it:  vault-backup jobs show job-0 --watch',
      ].join('\n'),
    );
    expect(cli.runtime.out()).toMatch(/ws-1\s+job-a\s+completed\s+.*clean/);
    expect(cli.runtime.out()).toMatch(/ws-2\s+-\s+-.*not started: active job job-0/);
  });

  it('exits 1 when a workspace refuses with another problem: an error beats a partial failure', async () => {
    workspaces();
    replayJobs('ws-1', 3, problem(409, 'BACKUP_NOT_ENABLED', 'Backup not enabled', 'ws-1 is disabled'));
    replayJobs(
      'ws-2',
      2,
      problem(409, 'REPLAY_JOB_ACTIVE', 'Replay job active', 'already active', { activeJobId: 'job-0' }),
    );
    emptySelection('ws-3');

    expect(await cli.run(['replay', '--all-workspaces', '--all', '--yes'])).toBe(EXIT.error);
    expect(cli.runtime.err()).toContain('workspace ws-1 skipped: Backup not enabled: ws-1 is disabled');
    expect(cli.runtime.out()).toMatch(/ws-1\s+-.*not started: backup-not-enabled/);
  });

  it('exits 3 when one workspace ends partial, and prints {workspaces: [{workspaceId, job}]} with --json', async () => {
    threeWorkspaces();
    cli.api.on('GET', `${jobsOf('ws-1')}/job-a`, { body: jobIn('ws-1', 'job-a', finished()) });
    cli.api.on('GET', `${jobsOf('ws-2')}/job-b`, {
      body: jobIn('ws-2', 'job-b', finished({ failedAgain: 1, applied: 2 })),
    });

    expect(await cli.run(['replay', '--all-workspaces', '--code', 'PASWS041E', '--yes', '--json'])).toBe(
      EXIT.partial,
    );
    const printed = JSON.parse(cli.runtime.out()) as {
      workspaces: { workspaceId: string; job: { id: string; outcome: { failedAgain: number } } }[];
    };
    expect(printed.workspaces.map(({ workspaceId, job: { id } }) => [workspaceId, id])).toEqual([
      ['ws-1', 'job-a'],
      ['ws-2', 'job-b'],
    ]);
    expect(printed.workspaces[1].job.outcome.failedAgain).toBe(1);
  });

  it('with --dry-run prints the combined plan and creates nothing', async () => {
    threeWorkspaces();
    expect(await cli.run(['replay', '--all-workspaces', '--from', '2026-12-01T00:00:00Z', '--dry-run'])).toBe(
      EXIT.ok,
    );
    expect(creates()).toHaveLength(0);
    expect(cli.api.requestsTo('GET', PROBLEMS)[0].query).toEqual({
      kind: 'failed',
      from: '2026-12-01T00:00:00Z',
      limit: '200',
    });
    expect(cli.runtime.out()).toContain('plan for 3 workspaces: 5 to replay');
  });

  it('refuses without --yes when stdin is not a terminal: exit 2, nothing created', async () => {
    threeWorkspaces();
    expect(await cli.run(['replay', '--all-workspaces', '--all'])).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain('refusing to replay 5 records without confirmation');
    expect(creates()).toHaveLength(0);
  });

  it('on Ctrl-C cancels every job it started that still runs and exits 130', async () => {
    threeWorkspaces();
    for (const [workspace, id] of [
      ['ws-1', 'job-a'],
      ['ws-2', 'job-b'],
    ]) {
      cli.api.on('GET', `${jobsOf(workspace)}/${id}`, {
        body: jobIn(workspace, id, job({ done: 1, toDo: 3 })),
      });
      cli.api.on('POST', `${jobsOf(workspace)}/${id}/cancel`, {
        body: jobIn(workspace, id, job({ done: 1, toDo: 3 }, {}, 'cancelled')),
      });
    }
    const code = await cli.run(['replay', '--all-workspaces', '--all', '--yes'], {
      onSleep: (count, fake) => count === 2 && fake.interrupt(),
    });
    expect(code).toBe(EXIT.interrupted);
    expect(cli.api.requestsTo('POST', `${jobsOf('ws-1')}/job-a/cancel`)).toHaveLength(1);
    expect(cli.api.requestsTo('POST', `${jobsOf('ws-2')}/job-b/cancel`)).toHaveLength(1);
  });

  it('with --no-wait lists the jobs it started and returns', async () => {
    threeWorkspaces();
    expect(await cli.run(['replay', '--all-workspaces', '--all', '--yes', '--no-wait'])).toBe(EXIT.ok);
    expect(cli.runtime.out()).toMatch(/ws-1\s+job-a\s+running\s+.*not settled/);
    expect(cli.api.requestsTo('GET', `${jobsOf('ws-1')}/job-a`)).toHaveLength(0);
  });

  it.each([
    [['--account', 'acc-1'], 'it does not take --account'],
    [['--class', 'permission', '--failure', 'f-1'], 'it does not take --failure'],
    [['--all', '--workspace', 'ws-1'], 'it does not take --workspace'],
    [[], 'choose what to replay in every workspace with exactly one of'],
    [['--all', '--class', 'permission'], 'choose what to replay in every workspace with exactly one of'],
  ])('with %j is a usage error (exit 2) and calls nothing', async (extra, message) => {
    expect(await cli.run(['replay', '--all-workspaces', ...extra])).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain(message);
    expect(cli.api.requests).toHaveLength(0);
  });
});
