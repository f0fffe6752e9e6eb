import { type AdminApiClient } from '../api/admin-api.client';
import { routes } from '../api/admin-api.routes';
import { type Page, type ReplayItem, type ReplayJob } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { type CommandContext } from '../cli/command-context';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { ProgressBar } from '../output/progress-bar';
import { exitCodeOf, isSettled } from './job-outcome';
import { progressOf, renderJob } from './job.view';

export interface FollowOptions {
  /** Undefined: the operators' cross-workspace routes. */
  readonly scope: string | undefined;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly json: boolean;
}

type WatchEnd = { readonly job: ReplayJob; readonly reason: 'settled' | 'timeout' | 'interrupted' };

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
  const end = await watch(context, api, job, options);
  if (end.reason === 'interrupted') return cancelOnInterrupt(context, api, end.job, options);
  const code = end.reason === 'timeout' ? EXIT.partial : exitCodeOf(end.job);
  if (options.json) {
    const items = await fetchPages<Page<ReplayItem>>(
      api,
      `${routes.replayJob(options.scope, job.id)}/items`,
      { limit: 200 },
      true,
    );
    context.printer.json({ job: end.job, items: items.items });
  } else {
    context.printer.line(renderJob(end.job));
  }
  if (end.reason === 'timeout') {
    context.printer.note(
      `still running after the wait; follow it with \`vault-backup jobs show ${job.id} --watch\``,
    );
  }
  return code;
}

async function watch(
  context: CommandContext,
  api: AdminApiClient,
  first: ReplayJob,
  options: FollowOptions,
): Promise<WatchEnd> {
  const { runtime } = context;
  const bar = new ProgressBar(runtime.stderr);
  const interrupted = new AbortController();
  const stopListening = runtime.onInterrupt(() => interrupted.abort());
  const deadline = runtime.now() + options.timeoutMs;
  let job = first;
  try {
    for (;;) {
      bar.update(progressOf(job));
      if (isSettled(job)) return { job, reason: 'settled' };
      if (runtime.now() >= deadline) return { job, reason: 'timeout' };
      await runtime.sleep(options.pollIntervalMs, interrupted.signal);
      job = await api.get<ReplayJob>(routes.replayJob(options.scope, job.id));
    }
  } catch (error: unknown) {
    if (interrupted.signal.aborted) return { job, reason: 'interrupted' };
    throw error;
  } finally {
    stopListening();
    bar.stop();
  }
}

async function cancelOnInterrupt(
  context: CommandContext,
  api: AdminApiClient,
  job: ReplayJob,
  options: FollowOptions,
): Promise<ExitCode> {
  context.printer.note(`interrupted: cancelling job ${job.id}…`);
  const cancelled = await api.post<ReplayJob>(`${routes.replayJob(options.scope, job.id)}/cancel`);
  context.printer.note(
    `job ${job.id} ${cancelled.status}: what is done stays done; \`vault-backup jobs resume ${job.id}\` goes on`,
  );
  return EXIT.interrupted;
}
