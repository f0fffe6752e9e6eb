import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ReplayJob, type ReplayPlan } from '../api/admin-api.types';
import { action, type CommandContext } from '../cli/command-context';
import { type ConnectionFlags, duration, integerIn, withConnection } from '../cli/common-options';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from '../cli/exit-codes';
import { withFilters } from '../failures/failures.command';
import { followJob } from '../jobs/job-follower';
import { DEFAULT_WAIT_MS, POLL_INTERVAL_MS } from '../jobs/jobs.command';
import { openSession } from '../profile/session';
import { replayAllWorkspaces } from './replay-all-workspaces';
import { renderPlan } from './replay-plan.view';
import { confirmReplay, createReplay, type ReplayRunFlags, runRequest } from './replay-steps';
import { type ReplaySelectionFlags, replayTarget } from './replay-target';

type ReplayFlags = ConnectionFlags & ReplaySelectionFlags & ReplayRunFlags;

const offset = (value: string): string => {
  if (!/^\d{1,19}$/.test(value)) throw new InvalidArgumentError('must be a Kafka offset (digits)');
  return value;
};

export function registerReplayCommand(program: Command, context: CommandContext): void {
  withFilters(withConnection(program.command('replay')))
    .description('replay failed backups as a tracked job: plan (dry run), confirm, run with progress, report')
    .option('--failure <id...>', 'failure ids (from `failures list`)')
    .option('--all', 'every open failure of the workspace')
    .option(
      '--all-workspaces',
      'SREs (operator_replay): one job in each workspace with matching failures (filters or --all)',
    )
    .option('--dry-run', 'show the plan and stop')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--rate <n>', 'records produced per second', integerIn(1, 100_000))
    .option('--no-wait', 'return once the job is created, printing its id')
    .addOption(
      new Option('--wait-timeout <duration>', 'longest wait for the job (e.g. 90s, 15m)')
        .argParser(duration)
        .default(DEFAULT_WAIT_MS, '10m'),
    )
    .option('--dead-letter', 'SREs (operator_replay): replay a dead-letter topic range instead')
    .option('--partition <n>', 'dead-letter partition', integerIn(0, 100_000))
    .option('--from-offset <offset>', 'first dead-letter offset', offset)
    .option('--to-offset <offset>', 'last dead-letter offset', offset)
    .option('--unattributed', 'dead letters naming no workspace only')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(
      action(context, (flags: ReplayFlags) =>
        flags.allWorkspaces === true ? replayAllWorkspaces(context, flags) : replay(context, flags),
      ),
    );
}

async function replay(context: CommandContext, flags: ReplayFlags): Promise<ExitCode> {
  const session = await openSession(
    context.runtime,
    flags.deadLetter === true ? { ...flags, workspace: undefined } : flags,
  );
  const target = replayTarget(session, flags);
  const plan = await createReplay<ReplayPlan>(session.api, target, { dryRun: true });
  if (flags.dryRun === true || plan.toReplay === 0) {
    if (flags.json === true) context.printer.json(plan);
    else context.printer.line(renderPlan(plan, target.label));
    if (plan.toReplay === 0 && flags.dryRun !== true) context.printer.note('nothing to replay');
    return EXIT.ok;
  }
  if (flags.json !== true) context.printer.line(renderPlan(plan, target.label));
  await confirmReplay(context, flags, plan.toReplay, target.label);
  const job = await createReplay<ReplayJob>(session.api, target, runRequest(flags));
  context.printer.note(`job ${job.id} started`);
  if (!flags.wait) {
    context.printer.line(job.id);
    context.printer.note(`follow it: vault-backup jobs show ${job.id} --watch`);
    return EXIT.ok;
  }
  return followJob(context, session.api, job, {
    scope: target.scope,
    timeoutMs: flags.waitTimeout,
    pollIntervalMs: POLL_INTERVAL_MS,
    json: flags.json === true,
  });
}
