import { type Command, Option } from 'commander';
import { routes } from '../api/admin-api.routes';
import { type Page, type ReplayItem, type ReplayJob } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { action, type CommandContext } from '../cli/command-context';
import {
  type ConnectionFlags,
  duration,
  type PageFlags,
  withConnection,
  withPaging,
} from '../cli/common-options';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from '../cli/exit-codes';
import { openSession } from '../profile/session';
import { followJob } from './job-follower';
import { renderItems, renderJob, renderJobs } from './job.view';

type ListFlags = ConnectionFlags & PageFlags & { readonly status?: string };
type ShowFlags = ConnectionFlags & { readonly watch?: boolean; readonly waitTimeout: number };
type ReportFlags = ConnectionFlags & PageFlags & { readonly state?: string; readonly outcome?: string };

export const DEFAULT_WAIT_MS = 10 * 60_000;
export const POLL_INTERVAL_MS = 1_000;

/** Without a workspace (operators), every route is the cross-workspace one. */
export function registerJobsCommand(program: Command, context: CommandContext): void {
  const jobs = program
    .command('jobs')
    .description('replay jobs: list, show (and follow), cancel, resume, report');
  withPaging(withConnection(jobs.command('list')))
    .description('replay jobs, newest first')
    .addOption(
      new Option('--status <status>', 'only jobs in this state').choices([
        'running',
        'completed',
        'cancelled',
      ]),
    )
    .action(action(context, (flags: ListFlags) => list(context, flags)));
  withConnection(jobs.command('show').argument('<id>', 'job id'))
    .description('a job and its progress; --watch follows it to the end (exit code as for replay)')
    .option('--watch', 'follow the job with a progress bar until it is settled')
    .addOption(
      new Option('--wait-timeout <duration>', 'longest wait with --watch (e.g. 90s, 15m)')
        .argParser(duration)
        .default(DEFAULT_WAIT_MS, '10m'),
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(context, (id: string, flags: ShowFlags) => show(context, id, flags)));
  for (const verb of ['cancel', 'resume'] as const) {
    withConnection(jobs.command(verb).argument('<id>', 'job id'))
      .description(verb === 'cancel' ? 'stop a job (what is done stays done)' : 'go on with a cancelled job')
      .action(action(context, (id: string, flags: ConnectionFlags) => transition(context, verb, id, flags)));
  }
  withPaging(withConnection(jobs.command('report').argument('<id>', 'job id')))
    .description('what became of each account of a job')
    .addOption(
      new Option('--state <state>', 'only items in this state').choices([
        'to-do',
        'replayed',
        'skipped',
        'failed',
      ]),
    )
    .option(
      '--outcome <outcome>',
      'only replayed items with this outcome, e.g. applied, failed-again, parked',
    )
    .action(action(context, (id: string, flags: ReportFlags) => report(context, id, flags)));
}

async function list(context: CommandContext, flags: ListFlags): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  const query = { status: flags.status, limit: flags.limit };
  const page = await fetchPages<Page<ReplayJob>>(
    session.api,
    routes.replayJobs(session.workspace),
    query,
    flags.all === true,
  );
  if (flags.json === true) context.printer.json(page);
  else context.printer.line(renderJobs(page.items));
  return EXIT.ok;
}

async function show(context: CommandContext, id: string, flags: ShowFlags): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  const job = await session.api.get<ReplayJob>(routes.replayJob(session.workspace, id));
  if (flags.watch === true) {
    return followJob(context, session.api, job, {
      scope: session.workspace,
      timeoutMs: flags.waitTimeout,
      pollIntervalMs: POLL_INTERVAL_MS,
      json: flags.json === true,
    });
  }
  if (flags.json === true) context.printer.json(job);
  else context.printer.line(renderJob(job));
  return EXIT.ok;
}

async function transition(
  context: CommandContext,
  verb: 'cancel' | 'resume',
  id: string,
  flags: ConnectionFlags,
): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  const job = await session.api.post<ReplayJob>(`${routes.replayJob(session.workspace, id)}/${verb}`);
  if (flags.json === true) context.printer.json(job);
  else context.printer.line(renderJob(job));
  return EXIT.ok;
}

async function report(context: CommandContext, id: string, flags: ReportFlags): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  const query = { state: flags.state, outcome: flags.outcome, limit: flags.limit };
  const path = `${routes.replayJob(session.workspace, id)}/items`;
  const page = await fetchPages<Page<ReplayItem>>(session.api, path, query, flags.all === true);
  if (flags.json === true) context.printer.json(page);
  else context.printer.line(renderItems(page.items));
  if (page.nextCursor !== null && flags.json !== true) context.printer.note('more items: pass --all');
  return EXIT.ok;
}
