import { type Command, InvalidArgumentError, Option } from 'commander';
import { ApiProblemError } from '../api/admin-api.errors';
import { type AdminApiClient } from '../api/admin-api.client';
import { type ReplayJob, type ReplayPlan } from '../api/admin-api.types';
import { CliError, UsageError } from '../cli/cli.errors';
import { action, type CommandContext } from '../cli/command-context';
import { type ConnectionFlags, duration, integerIn, withConnection } from '../cli/common-options';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from '../cli/exit-codes';
import { withFilters } from '../failures/failures.command';
import { followJob } from '../jobs/job-follower';
import { DEFAULT_WAIT_MS, POLL_INTERVAL_MS } from '../jobs/jobs.command';
import { openSession } from '../profile/session';
import { renderPlan } from './replay-plan.view';
import { type ReplaySelectionFlags, replayTarget, type ReplayTarget } from './replay-target';

type ReplayFlags = ConnectionFlags &
  ReplaySelectionFlags & {
    readonly dryRun?: boolean;
    readonly yes?: boolean;
    readonly rate?: number;
    readonly wait: boolean;
    readonly waitTimeout: number;
  };

const offset = (value: string): string => {
  if (!/^\d{1,19}$/.test(value)) throw new InvalidArgumentError('must be a Kafka offset (digits)');
  return value;
};

export function registerReplayCommand(program: Command, context: CommandContext): void {
  withFilters(withConnection(program.command('replay')))
    .description('replay failed backups as a tracked job: plan (dry run), confirm, run with progress, report')
    .option('--failure <id...>', 'failure ids (from `failures list`)')
    .option('--all', 'every open failure of the workspace')
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
    .action(action(context, (flags: ReplayFlags) => replay(context, flags)));
}

async function replay(context: CommandContext, flags: ReplayFlags): Promise<ExitCode> {
  const session = await openSession(
    context.runtime,
    flags.deadLetter === true ? { ...flags, workspace: undefined } : flags,
  );
  const target = replayTarget(session, flags);
  const plan = await create<ReplayPlan>(session.api, target, { dryRun: true });
  if (flags.dryRun === true || plan.toReplay === 0) {
    if (flags.json === true) context.printer.json(plan);
    else context.printer.line(renderPlan(plan, target.label));
    if (plan.toReplay === 0 && flags.dryRun !== true) context.printer.note('nothing to replay');
    return EXIT.ok;
  }
  if (flags.json !== true) context.printer.line(renderPlan(plan, target.label));
  await confirm(context, flags, plan.toReplay, target.label);
  const job = await create<ReplayJob>(
    session.api,
    target,
    flags.rate === undefined ? {} : { ratePerSecond: flags.rate },
  );
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

async function create<T>(
  api: AdminApiClient,
  target: ReplayTarget,
  extra: Record<string, unknown>,
): Promise<T> {
  try {
    return await api.post<T>(target.createPath, { selection: target.selection, ...extra });
  } catch (error: unknown) {
    if (error instanceof ApiProblemError && error.slug === 'replay-job-active') throw activeJobError(error);
    throw error;
  }
}

/** One job at a time per workspace: say which one runs and how to follow or resume it. */
function activeJobError(error: ApiProblemError): CliError {
  const id = error.problem.activeJobId;
  if (typeof id !== 'string') return error;
  return new CliError(
    [
      error.message,
      `  active job: ${id}`,
      `  follow it:  vault-backup jobs show ${id} --watch`,
      `  if it was cancelled, go on with it: vault-backup jobs resume ${id}`,
    ].join('\n'),
  );
}

/** Bulk writes need a yes: `--yes`, or an answer at a terminal; a script without --yes is refused. */
async function confirm(
  context: CommandContext,
  flags: ReplayFlags,
  count: number,
  label: string,
): Promise<void> {
  if (flags.yes === true) return;
  if (!context.runtime.stdin.isTTY) {
    throw new UsageError(
      `refusing to replay ${count} records without confirmation: stdin is not a terminal, pass --yes`,
    );
  }
  let accepted: boolean;
  try {
    accepted = await context.runtime.prompts.confirm(`Replay ${count} records in ${label}?`);
  } catch {
    // Ctrl-C or a closed terminal while asking: nothing was started.
    throw new CliError('interrupted before anything was started', EXIT.interrupted);
  }
  if (!accepted) throw new UsageError('replay not confirmed: nothing was started');
}
