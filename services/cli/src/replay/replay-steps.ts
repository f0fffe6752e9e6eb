import { type AdminApiClient } from '../api/admin-api.client';
import { ApiProblemError } from '../api/admin-api.errors';
import { CliError, UsageError } from '../cli/cli.errors';
import { type CommandContext } from '../cli/command-context';
import { EXIT } from '../cli/exit-codes';
import { type ReplayTarget } from './replay-target';

/** How a replay runs once its selection is known: shared by one workspace and `--all-workspaces`. */
export interface ReplayRunFlags {
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly rate?: number;
  readonly wait: boolean;
  readonly waitTimeout: number;
}

/** The create request's extras for a real run: `--rate` as `ratePerSecond`. */
export function runRequest(flags: Pick<ReplayRunFlags, 'rate'>): Record<string, unknown> {
  return flags.rate === undefined ? {} : { ratePerSecond: flags.rate };
}

/** Posts the selection: a plan with `dryRun: true`, else a job. */
export function postSelection<T>(
  api: AdminApiClient,
  target: ReplayTarget,
  extra: Record<string, unknown>,
): Promise<T> {
  return api.post<T>(target.createPath, { selection: target.selection, ...extra });
}

/** {@link postSelection}, with a 409 that names the active job and how to follow it. */
export async function createReplay<T>(
  api: AdminApiClient,
  target: ReplayTarget,
  extra: Record<string, unknown>,
): Promise<T> {
  try {
    return await postSelection<T>(api, target, extra);
  } catch (error: unknown) {
    if (error instanceof ApiProblemError && error.slug === 'replay-job-active') throw activeJobError(error);
    throw error;
  }
}

/** One job at a time per workspace: say which one runs and how to follow or resume it. */
export function activeJobError(error: ApiProblemError): CliError {
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
export async function confirmReplay(
  context: CommandContext,
  flags: Pick<ReplayRunFlags, 'yes'>,
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
