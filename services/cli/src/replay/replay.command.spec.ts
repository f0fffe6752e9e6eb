import { EXIT } from '../cli/exit-codes';
import { useFakeAdminApi } from '../../test/support/cli-spec.harness';
import { finished, job, plan } from '../../test/support/contract-fixtures';
import { problem } from '../../test/support/fake-admin-api';
import { fakeToken } from '../../test/support/fake-runtime';

const JOBS = '/api/v1/workspaces/ws-1/vault-backup/replay-jobs';

describe('replay', () => {
  const cli = useFakeAdminApi();

  /** Plans on a dry run, creates otherwise. */
  const createAnswers = (created = job()) =>
    cli.api.on('POST', JOBS, (request) =>
      (request.body as { dryRun?: boolean }).dryRun === true
        ? { body: plan(3) }
        : { status: 202, body: created },
    );

  it('with --dry-run posts the plan only and prints it', async () => {
    createAnswers();
    expect(
      await cli.run(['replay', '--class', 'permission', '--from', '2026-12-01T00:00:00Z', '--dry-run']),
    ).toBe(EXIT.ok);
    expect(cli.api.requests.map((request) => request.body)).toEqual([
      { selection: { filter: { errorClass: 'permission', from: '2026-12-01T00:00:00Z' } }, dryRun: true },
    ]);
    expect(cli.runtime.out()).toContain('plan for workspace ws-1: 3 to replay; to skip: superseded 1');
    expect(cli.runtime.out()).toMatch(/replay\s+acc-1\s+7\s+permission\s+PASWS041E/);
  });

  it('with --yes runs the job, follows its progress across polls and exits 0 when everything applied', async () => {
    createAnswers();
    cli.api.on(
      'GET',
      `${JOBS}/job-1`,
      { body: job({ done: 2, toDo: 2, replayed: 2 }, { applied: 1, inFlight: 1 }) },
      { body: job({ done: 4, toDo: 0, replayed: 3, skipped: 1 }, { applied: 2, inFlight: 1 }, 'completed') },
      { body: finished() },
    );
    const code = await cli.run(['replay', '--failure', 'f-1', 'f-3', '--yes', '--rate', '5']);
    expect(cli.runtime.err()).toBe(
      [
        'job job-1 started',
        '[------------------------------]   0% 0/4 done 0 failed 0 to do 4 in flight 0 (running)',
        '[###############---------------]  50% 2/4 done 2 failed 0 to do 2 in flight 1 (running)',
        '[##############################] 100% 4/4 done 4 failed 0 to do 0 in flight 1 (completed)',
        '[##############################] 100% 4/4 done 4 failed 0 to do 0 in flight 0 (completed)',
        '',
      ].join('\n'),
    );
    expect(code).toBe(EXIT.ok);
    expect(cli.api.requestsTo('POST', JOBS)[1].body).toEqual({
      selection: { failureIds: ['f-1', 'f-3'] },
      ratePerSecond: 5,
    });
    expect(cli.runtime.out()).toContain(
      'outcome  applied 3  failed again 0  parked 0  in flight 0  not written 0',
    );
    expect(cli.runtime.sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it.each([
    ['an item failed again', finished({ failedAgain: 1, applied: 2 })],
    ['an item could not be produced', finished({}, 1)],
    ['an item is parked', finished({ parked: 1, applied: 2 })],
    ['an item was not written (the backup was turned off)', finished({ notWritten: 1, applied: 2 })],
  ])('exits 3 when %s', async (_case, end) => {
    createAnswers();
    cli.api.on('GET', `${JOBS}/job-1`, { body: end });
    expect(await cli.run(['replay', '--all', '--yes'])).toBe(EXIT.partial);
    expect(cli.api.requestsTo('POST', JOBS)[0].body).toEqual({ selection: { filter: {} }, dryRun: true });
  });

  it('exits 3 when items are still in flight at the wait timeout', async () => {
    createAnswers();
    cli.api.on('GET', `${JOBS}/job-1`, { body: job({ done: 1, toDo: 3 }, { inFlight: 1 }) });
    expect(await cli.run(['replay', '--all', '--yes', '--wait-timeout', '5s'])).toBe(EXIT.partial);
    expect(cli.runtime.sleeps).toHaveLength(5);
    expect(cli.runtime.err()).toContain('follow it with `vault-backup jobs show job-1 --watch`');
  });

  it('refuses without --yes when stdin is not a terminal: exit 2, nothing created', async () => {
    createAnswers();
    expect(await cli.run(['replay', '--all'])).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain(
      'refusing to replay 3 records without confirmation: stdin is not a terminal, pass --yes',
    );
    expect(cli.api.requestsTo('POST', JOBS)).toHaveLength(1);
  });

  it('asks at a terminal; a "no" is exit 2 and creates nothing', async () => {
    createAnswers();
    expect(await cli.run(['replay', '--all'], { stdinIsTTY: true, confirm: async () => false })).toBe(
      EXIT.usage,
    );
    expect(cli.runtime.prompted).toEqual(['Replay 3 records in workspace ws-1?']);
    expect(cli.api.requestsTo('POST', JOBS)).toHaveLength(1);
  });

  it('asks at a terminal; a "yes" runs the job', async () => {
    createAnswers();
    cli.api.on('GET', `${JOBS}/job-1`, { body: finished() });
    expect(await cli.run(['replay', '--all'], { stdinIsTTY: true, confirm: async () => true })).toBe(EXIT.ok);
    expect(cli.api.requestsTo('POST', JOBS)).toHaveLength(2);
  });

  it('on Ctrl-C while waiting asks the API to cancel the job and exits 130', async () => {
    createAnswers();
    cli.api.on('GET', `${JOBS}/job-1`, { body: job({ done: 1, toDo: 3 }) });
    cli.api.on('POST', `${JOBS}/job-1/cancel`, { body: job({ done: 1, toDo: 3 }, {}, 'cancelled') });
    const code = await cli.run(['replay', '--all', '--yes'], {
      onSleep: (count, fake) => count === 2 && fake.interrupt(),
    });
    expect(code).toBe(EXIT.interrupted);
    expect(cli.api.requestsTo('POST', `${JOBS}/job-1/cancel`)).toHaveLength(1);
    expect(cli.runtime.err()).toContain(
      'job job-1 cancelled: what is done stays done; `vault-backup jobs resume job-1` goes on',
    );
  });

  it('with --no-wait prints the job id right after creation', async () => {
    createAnswers();
    expect(await cli.run(['replay', '--account', 'acc-1', '--yes', '--no-wait'])).toBe(EXIT.ok);
    expect(cli.runtime.out().trim().split('\n').pop()).toBe('job-1');
    expect(cli.api.requestsTo('GET', `${JOBS}/job-1`)).toHaveLength(0);
  });

  it('with --json prints the plan on a dry run, and the job with its items after a run', async () => {
    createAnswers();
    cli.api.on('GET', `${JOBS}/job-1`, { body: finished() });
    cli.api.on(
      'GET',
      `${JOBS}/job-1/items`,
      { body: { items: [{ accountId: 'acc-1', state: 'replayed' }], nextCursor: 'c2' } },
      { body: { items: [{ accountId: 'acc-3', state: 'skipped' }], nextCursor: null } },
    );
    expect(await cli.run(['replay', '--all', '--yes', '--json'])).toBe(EXIT.ok);
    const printed = JSON.parse(cli.runtime.out()) as {
      job: { status: string };
      items: { accountId: string }[];
    };
    expect(printed.job.status).toBe('completed');
    expect(printed.items.map((item) => item.accountId)).toEqual(['acc-1', 'acc-3']);
  });

  it('names the active job on 409 replay-job-active and exits 1', async () => {
    cli.api.on(
      'POST',
      JOBS,
      problem(
        409,
        'REPLAY_JOB_ACTIVE',
        'Replay job active',
        'workspace ws-1 already has an active replay job',
        {
          activeJobId: 'job-0',
        },
      ),
    );
    expect(await cli.run(['replay', '--all', '--yes'])).toBe(EXIT.error);
    expect(cli.runtime.err()).toBe(
      [
        'error: Replay job active: workspace ws-1 already has an active replay job',
        '  active job: job-0',
        '  follow it:  vault-backup jobs show job-0 --watch',
        '  if it was cancelled, go on with it: vault-backup jobs resume job-0',
        '',
      ].join('\n'),
    );
  });

  it('prints field problems of a 400 and never a stack trace', async () => {
    cli.api.on(
      'POST',
      JOBS,
      problem(400, 'VALIDATION_FAILED', 'Validation failed', 'the request is invalid', {
        problems: [{ field: 'selection.failureIds', message: 'must hold 1-1000 ids' }],
      }),
    );
    expect(await cli.run(['replay', '--failure', 'x', '--dry-run'])).toBe(EXIT.error);
    expect(cli.runtime.err()).toBe(
      'error: Validation failed: the request is invalid\n  - selection.failureIds: must hold 1-1000 ids\n',
    );
  });

  it.each([
    [['replay'], 'choose what to replay with exactly one of'],
    [['replay', '--all', '--class', 'permission'], 'choose what to replay with exactly one of'],
    [
      ['replay', '--dead-letter', '--partition', '0'],
      '--dead-letter needs --partition, --from-offset and --to-offset',
    ],
    [['replay', '--all', '--from', 'yesterday'], 'must be an RFC 3339 date-time'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    expect(await cli.run(argv)).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain(message);
    expect(cli.api.requests).toHaveLength(0);
  });

  it('replays a dead-letter range for SREs through the operators routes', async () => {
    const DEAD = '/api/v1/vault-backups/dead-letter-replay-jobs';
    cli.api.on('POST', DEAD, (request) =>
      (request.body as { dryRun?: boolean }).dryRun === true
        ? { body: plan(3) }
        : { status: 202, body: { ...job(), kind: 'dead-letter', workspaceId: null } },
    );
    cli.api.on('GET', '/api/v1/vault-backups/replay-jobs/job-1', { body: finished() });
    const sre = fakeToken({ sub: 'sre', role: 'operator_replay' });
    const argv = [
      'replay',
      '--dead-letter',
      '--partition',
      '2',
      '--from-offset',
      '10',
      '--to-offset',
      '20',
      '--unattributed',
      '--yes',
    ];
    expect(await cli.run(argv, { env: { VAULT_BACKUP_TOKEN: sre } })).toBe(EXIT.ok);
    expect(cli.api.requestsTo('POST', DEAD).map((request) => request.body)).toEqual([
      { selection: { partition: 2, fromOffset: '10', toOffset: '20', unattributed: true }, dryRun: true },
      { selection: { partition: 2, fromOffset: '10', toOffset: '20', unattributed: true } },
    ]);
    expect(cli.runtime.out()).toContain('plan for dead-letter partition 2, offsets 10-20 (no workspace)');
  });

  it('needs a workspace for an operator_replay token without one', async () => {
    const sre = fakeToken({ sub: 'sre', role: 'operator_replay' });
    expect(await cli.run(['replay', '--all'], { env: { VAULT_BACKUP_TOKEN: sre } })).toBe(EXIT.usage);
    expect(cli.runtime.err()).toContain('replay needs a workspace: pass --workspace <id>');
  });
});
