import { type ReplayJob, type ReplayPlan } from '../api/admin-api.types';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { isSettled } from '../jobs/job-outcome';
import { renderTable } from '../output/table';
import { planHeadline } from './replay-plan.view';

/** A workspace's dry run: its plan, or null when nothing matches there (422 empty-selection). */
export interface WorkspacePlan {
  readonly workspaceId: string;
  readonly plan: ReplayPlan | null;
}

/** A workspace's job as last read, or why none was started; and what it means for the exit code. */
export interface WorkspaceRun {
  readonly workspaceId: string;
  readonly job: ReplayJob | null;
  readonly notStarted?: string;
  readonly exitCode: ExitCode;
}

export const workspacesLabel = (count: number): string => `${count} workspace${count === 1 ? '' : 's'}`;

export const toReplayOf = (plans: readonly WorkspacePlan[]): number =>
  plans.reduce((total, { plan }) => total + (plan?.toReplay ?? 0), 0);

/** The headline over every workspace, then one row per workspace and the total. */
export function renderWorkspacePlans(plans: readonly WorkspacePlan[]): string {
  if (plans.length === 0) return 'no workspace has failed backups that match';
  const toSkip = skipsByReason(plans);
  const rows = plans.map(({ workspaceId, plan }) => [
    workspaceId,
    String(plan?.toReplay ?? 0),
    String(plan === null ? 0 : sumOf(plan.toSkip)),
    plan === null ? 'nothing matches: skipped' : plan.toReplay === 0 ? 'nothing to replay' : '',
  ]);
  const total = ['total', String(toReplayOf(plans)), String(sumOf(toSkip))];
  return [
    planHeadline({ toReplay: toReplayOf(plans), toSkip }, workspacesLabel(plans.length)),
    '',
    renderTable(['WORKSPACE', 'TO REPLAY', 'TO SKIP', 'NOTE'], [...rows, total]),
  ].join('\n');
}

/** One row per workspace: its job's counts and whether it ended clean, or why it did not start. */
export function renderWorkspaceRuns(runs: readonly WorkspaceRun[]): string {
  return renderTable(
    [
      'WORKSPACE',
      'JOB',
      'STATUS',
      'TOTAL',
      'REPLAYED',
      'SKIPPED',
      'FAILED',
      'TO DO',
      'APPLIED',
      'FAILED AGAIN',
      'PARKED',
      'IN FLIGHT',
      'RESULT',
    ],
    runs.map(runRow),
  );
}

function runRow({ workspaceId, job, notStarted, exitCode }: WorkspaceRun): string[] {
  if (job === null) return [workspaceId, ...Array<string>(11).fill('-'), `not started: ${notStarted ?? '?'}`];
  const { progress: p, outcome: o } = job;
  const counts = [
    p.total,
    p.replayed,
    p.skipped,
    p.failed,
    p.toDo,
    o.applied,
    o.failedAgain,
    o.parked,
    o.inFlight,
  ];
  return [workspaceId, job.id, job.status, ...counts.map(String), resultOf(job, exitCode)];
}

function resultOf(job: ReplayJob, exitCode: ExitCode): string {
  if (!isSettled(job)) return 'not settled';
  return exitCode === EXIT.ok ? 'clean' : 'partial';
}

function skipsByReason(plans: readonly WorkspacePlan[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const { plan } of plans) {
    for (const [reason, count] of Object.entries(plan?.toSkip ?? {}))
      total[reason] = (total[reason] ?? 0) + count;
  }
  return total;
}

const sumOf = (counts: Readonly<Record<string, number>>): number =>
  Object.values(counts).reduce((total, count) => total + count, 0);
