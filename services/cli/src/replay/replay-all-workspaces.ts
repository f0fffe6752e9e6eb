import { type AdminApiClient } from '../api/admin-api.client';
import { ApiProblemError } from '../api/admin-api.errors';
import { routes } from '../api/admin-api.routes';
import { type ReplayJob, type ReplayPlan, type WorkspaceProblemsPage } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { type CommandContext } from '../cli/command-context';
import { type ConnectionFlags } from '../cli/common-options';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { cancelJob, type ScopedJob, stillRunningNote, watchJobs } from '../jobs/job-follower';
import { exitCodeOf, isSettled, worstOf } from '../jobs/job-outcome';
import { combinedProgressOf } from '../jobs/job.view';
import { POLL_INTERVAL_MS } from '../jobs/jobs.command';
import { openSession } from '../profile/session';
import {
  renderWorkspacePlans,
  renderWorkspaceRuns,
  toReplayOf,
  type WorkspacePlan,
  type WorkspaceRun,
  workspacesLabel,
} from './replay-all-workspaces.view';
import {
  activeJobError,
  confirmReplay,
  postSelection,
  type ReplayRunFlags,
  runRequest,
} from './replay-steps';
import { allWorkspacesFilter, type ReplaySelectionFlags, workspaceTargetOf } from './replay-target';

type AllWorkspacesFlags = ConnectionFlags & ReplaySelectionFlags & ReplayRunFlags;
type Filter = Readonly<Record<string, string>>;

/**
 * `replay --all-workspaces` (SREs, operator_replay): the workspaces with matching failed backups,
 * a dry run in each and one combined plan, one confirmation, then one job per workspace followed
 * together. The exit code is the worst job's.
 */
export async function replayAllWorkspaces(
  context: CommandContext,
  flags: AllWorkspacesFlags,
): Promise<ExitCode> {
  const filter = allWorkspacesFilter(flags);
  const session = await openSession(context.runtime, flags);
  const plans = await planWorkspaces(context, session.api, filter);
  const chosen = plans.filter(({ plan }) => (plan?.toReplay ?? 0) > 0);
  if (flags.dryRun === true || chosen.length === 0) return showPlans(context, plans, flags);
  if (flags.json !== true) context.printer.line(renderWorkspacePlans(plans));
  await confirmReplay(context, flags, toReplayOf(chosen), workspacesLabel(chosen.length));
  const started = await startJobs(context, session.api, chosen, filter, runRequest(flags));
  if (!flags.wait) {
    context.printer.note('follow them: vault-backup jobs show <id> --watch');
    return report(context, started, flags);
  }
  const followed = await followRuns(context, session.api, started, flags.waitTimeout);
  return followed === 'interrupted' ? EXIT.interrupted : report(context, followed, flags);
}

/** The operators' problems view names the workspaces with failed backups matching the filter. */
async function planWorkspaces(
  context: CommandContext,
  api: AdminApiClient,
  filter: Filter,
): Promise<WorkspacePlan[]> {
  const query = { ...filter, kind: 'failed', limit: 200 };
  const page = await fetchPages<WorkspaceProblemsPage>(api, routes.allProblems(), query, true);
  const plans: WorkspacePlan[] = [];
  for (const { workspaceId } of page.items.filter((item) => item.failed > 0)) {
    plans.push({ workspaceId, plan: await planOf(context, api, workspaceId, filter) });
  }
  return plans;
}

/** A workspace's dry run; null when nothing matches there (replayed or superseded since). */
async function planOf(
  context: CommandContext,
  api: AdminApiClient,
  workspaceId: string,
  filter: Filter,
): Promise<ReplayPlan | null> {
  try {
    return await postSelection<ReplayPlan>(api, workspaceTargetOf(workspaceId, { filter }), { dryRun: true });
  } catch (error: unknown) {
    if (!(error instanceof ApiProblemError && error.slug === 'empty-selection')) throw error;
    context.printer.note(`workspace ${workspaceId}: nothing to replay (empty-selection), skipped`);
    return null;
  }
}

function showPlans(
  context: CommandContext,
  plans: readonly WorkspacePlan[],
  flags: AllWorkspacesFlags,
): ExitCode {
  if (flags.json === true) context.printer.json({ workspaces: plans, toReplay: toReplayOf(plans) });
  else context.printer.line(renderWorkspacePlans(plans));
  if (flags.dryRun !== true) context.printer.note('nothing to replay');
  return EXIT.ok;
}

/** One job per workspace; a workspace that refuses (e.g. 409: a job is active) is reported and skipped. */
async function startJobs(
  context: CommandContext,
  api: AdminApiClient,
  chosen: readonly WorkspacePlan[],
  filter: Filter,
  extra: Record<string, unknown>,
): Promise<WorkspaceRun[]> {
  const runs: WorkspaceRun[] = [];
  for (const { workspaceId } of chosen) {
    try {
      const job = await postSelection<ReplayJob>(api, workspaceTargetOf(workspaceId, { filter }), extra);
      context.printer.note(`workspace ${workspaceId}: job ${job.id} started`);
      runs.push({ workspaceId, job, exitCode: EXIT.ok });
    } catch (error: unknown) {
      if (!(error instanceof ApiProblemError)) throw error;
      runs.push(notStarted(context, workspaceId, error));
    }
  }
  return runs;
}

/** An active job is a partial failure (3), nothing left to replay is none, any other problem an error. */
function notStarted(context: CommandContext, workspaceId: string, error: ApiProblemError): WorkspaceRun {
  const base = { workspaceId, job: null };
  let run: WorkspaceRun;
  if (error.slug === 'replay-job-active') {
    const active = error.problem.activeJobId;
    run = { ...base, notStarted: `active job ${active ?? '?'}`, exitCode: EXIT.partial };
  } else if (error.slug === 'empty-selection') {
    run = { ...base, notStarted: 'nothing to replay', exitCode: EXIT.ok };
  } else {
    run = { ...base, notStarted: error.slug ?? `HTTP ${error.status}`, exitCode: EXIT.error };
  }
  const detail = error.slug === 'replay-job-active' ? activeJobError(error).message : error.message;
  context.printer.note(`workspace ${workspaceId} skipped: ${detail}`);
  return run;
}

/** Follows every started job with one progress line; Ctrl-C cancels each one still running. */
async function followRuns(
  context: CommandContext,
  api: AdminApiClient,
  runs: readonly WorkspaceRun[],
  timeoutMs: number,
): Promise<WorkspaceRun[] | 'interrupted'> {
  const jobs = runs.flatMap((run) => (run.job === null ? [] : [{ scope: run.workspaceId, job: run.job }]));
  if (jobs.length === 0) return [...runs];
  const end = await watchJobs(context, api, jobs, {
    timeoutMs,
    pollIntervalMs: POLL_INTERVAL_MS,
    progress: combinedProgressOf,
  });
  if (end.reason === 'interrupted') {
    await cancelRunning(context, api, end.jobs);
    return 'interrupted';
  }
  const latest = new Map(end.jobs.map(({ job }) => [job.id, job]));
  return runs.map((run) =>
    run.job === null ? run : settledRun(context, run, latest.get(run.job.id) ?? run.job),
  );
}

/** A job's exit code as for one workspace; one still running when the wait ended is partial. */
function settledRun(context: CommandContext, run: WorkspaceRun, job: ReplayJob): WorkspaceRun {
  if (isSettled(job)) return { ...run, job, exitCode: exitCodeOf(job) };
  stillRunningNote(context, job.id);
  return { ...run, job, exitCode: EXIT.partial };
}

async function cancelRunning(
  context: CommandContext,
  api: AdminApiClient,
  jobs: readonly ScopedJob[],
): Promise<void> {
  for (const scoped of jobs.filter(({ job }) => job.status === 'running')) {
    try {
      await cancelJob(context, api, scoped);
    } catch (error: unknown) {
      if (!(error instanceof ApiProblemError)) throw error;
      context.printer.note(`job ${scoped.job.id} not cancelled: ${error.message}`);
    }
  }
}

/** The per-workspace summary (or `{workspaces: [{workspaceId, job}]}`); the worst job's exit code. */
function report(context: CommandContext, runs: readonly WorkspaceRun[], flags: AllWorkspacesFlags): ExitCode {
  if (flags.json === true) {
    const workspaces = runs.map(({ workspaceId, job, notStarted }) => ({ workspaceId, job, notStarted }));
    context.printer.json({ workspaces });
  } else {
    context.printer.line(`\n${renderWorkspaceRuns(runs)}`);
  }
  return worstOf(runs.map((run) => run.exitCode));
}
