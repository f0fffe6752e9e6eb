import { type AdminApiClient } from '../api/admin-api.client';
import { routes } from '../api/admin-api.routes';
import { type Page, type ReplayItem, type ReplayJob } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { type CommandContext } from '../cli/command-context';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { ProgressBar, type ProgressSnapshot } from '../output/progress-bar';
import { exitCodeOf, isSettled } from './job-outcome';
import { progressOf, renderJob } from './job.view';

export interface FollowOptions {
  /** Undefined: the operators' cross-workspace routes. */
  readonly scope: string | undefined;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly json: boolean;
}

/** A job with the scope of the routes it is read and cancelled through. */
export interface ScopedJob {
  readonly scope: string | undefined;
  readonly job: ReplayJob;
}

export interface WatchOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** What the one progress line shows for the jobs as last read. */
  readonly progress: (jobs: readonly ReplayJob[]) => ProgressSnapshot;
}

export interface WatchEnd {
  readonly jobs: readonly ScopedJob[];
  readonly reason: 'settled' | 'timeout' | 'interrupted';
}

/**
 * Polls a job with a progress bar (stderr) until it is settled, the wait times out, or Ctrl-C —
 * which asks the API to cancel it (what is done stays done) and exits 130. Then the summary.
 */
export async function followJob(
  context: CommandContext,
  api: AdminApiClient,
  job: ReplayJob,
  options: FollowOptions,
): Promise<ExitCode> {
  const end = await watchJobs(context, api, [{ scope: options.scope, job }], {
    ...options,
    progress: ([only]) => progressOf(only ?? job),
  });
  const [last = { scope: options.scope, job }] = end.jobs;
  if (end.reason === 'interrupted') {
    await cancelJob(context, api, last);
    return EXIT.interrupted;
  }
  if (options.json) {
    const items = await fetchPages<Page<ReplayItem>>(
      api,
      `${routes.replayJob(options.scope, job.id)}/items`,
      { limit: 200 },
      true,
    );
    context.printer.json({ job: last.job, items: items.items });
  } else {
    context.printer.line(renderJob(last.job));
  }
  if (end.reason === 'timeout') stillRunningNote(context, job.id);
  return end.reason === 'timeout' ? EXIT.partial : exitCodeOf(last.job);
}

/**
 * Polls every job not yet settled, one progress line over all of them, until all are settled, the
 * wait times out, or Ctrl-C. Returns the jobs as last read; cancelling is the caller's call.
 */
export async function watchJobs(
  context: CommandContext,
  api: AdminApiClient,
  first: readonly ScopedJob[],
  options: WatchOptions,
): Promise<WatchEnd> {
  const { runtime } = context;
  const bar = new ProgressBar(runtime.stderr);
  const interrupted = new AbortController();
  const stopListening = runtime.onInterrupt(() => interrupted.abort());
  const deadline = runtime.now() + options.timeoutMs;
  let jobs = first;
  try {
    for (;;) {
      bar.update(options.progress(jobs.map((scoped) => scoped.job)));
      if (jobs.every((scoped) => isSettled(scoped.job))) return { jobs, reason: 'settled' };
      if (runtime.now() >= deadline) return { jobs, reason: 'timeout' };
      await runtime.sleep(options.pollIntervalMs, interrupted.signal);
      jobs = await refresh(api, jobs);
    }
  } catch (error: unknown) {
    if (interrupted.signal.aborted) return { jobs, reason: 'interrupted' };
    throw error;
  } finally {
    stopListening();
    bar.stop();
  }
}

async function refresh(api: AdminApiClient, jobs: readonly ScopedJob[]): Promise<ScopedJob[]> {
  const next: ScopedJob[] = [];
  for (const scoped of jobs) next.push(isSettled(scoped.job) ? scoped : await reread(api, scoped));
  return next;
}

async function reread(api: AdminApiClient, scoped: ScopedJob): Promise<ScopedJob> {
  return { ...scoped, job: await api.get<ReplayJob>(routes.replayJob(scoped.scope, scoped.job.id)) };
}

/** Ctrl-C: asks the API to cancel the job; what is done stays done and `jobs resume` goes on. */
export async function cancelJob(
  context: CommandContext,
  api: AdminApiClient,
  scoped: ScopedJob,
): Promise<void> {
  const { id } = scoped.job;
  context.printer.note(`interrupted: cancelling job ${id}…`);
  const cancelled = await api.post<ReplayJob>(`${routes.replayJob(scoped.scope, id)}/cancel`);
  context.printer.note(
    `job ${id} ${cancelled.status}: what is done stays done; \`vault-backup jobs resume ${id}\` goes on`,
  );
}

export function stillRunningNote(context: CommandContext, jobId: string): void {
  context.printer.note(
    `still running after the wait; follow it with \`vault-backup jobs show ${jobId} --watch\``,
  );
}
