import { type ReplayItem, type ReplayJob } from '../api/admin-api.types';
import { type ProgressSnapshot } from '../output/progress-bar';
import { cell, renderTable } from '../output/table';
import { isSettled } from './job-outcome';

export function progressOf(job: ReplayJob): ProgressSnapshot {
  return { ...job.progress, suffix: `in flight ${job.outcome.inFlight} (${job.status})` };
}

/** One progress line over several jobs: their counts summed, and how many are settled. */
export function combinedProgressOf(jobs: readonly ReplayJob[]): ProgressSnapshot {
  const sum = (count: (job: ReplayJob) => number) => jobs.reduce((total, job) => total + count(job), 0);
  const settled = jobs.filter(isSettled).length;
  return {
    total: sum((job) => job.progress.total),
    done: sum((job) => job.progress.done),
    failed: sum((job) => job.progress.failed),
    toDo: sum((job) => job.progress.toDo),
    suffix: `in flight ${sum((job) => job.outcome.inFlight)} (${settled}/${jobs.length} jobs settled)`,
  };
}

export function renderJob(job: ReplayJob): string {
  const { progress: p, outcome: o } = job;
  return [
    `job ${job.id} (${job.kind}${job.workspaceId === null ? '' : `, workspace ${job.workspaceId}`}): ${job.status}`,
    `  created ${job.createdAt} by ${job.createdBy.sub} (${job.createdBy.role}), ${job.ratePerSecond}/s${job.finishedAt === null ? '' : `, finished ${job.finishedAt}`}`,
    `  items    total ${p.total}  replayed ${p.replayed}  skipped ${p.skipped}  failed ${p.failed}  to do ${p.toDo}`,
    `  outcome  applied ${o.applied}  failed again ${o.failedAgain}  parked ${o.parked}  in flight ${o.inFlight}  not written ${o.notWritten ?? 0}`,
  ].join('\n');
}

export function renderJobs(jobs: readonly ReplayJob[]): string {
  if (jobs.length === 0) return 'no replay jobs';
  return renderTable(
    ['ID', 'KIND', 'WORKSPACE', 'STATUS', 'TOTAL', 'DONE', 'FAILED', 'TO DO', 'CREATED AT', 'BY'],
    jobs.map((job) => [
      job.id,
      job.kind,
      cell(job.workspaceId),
      job.status,
      String(job.progress.total),
      String(job.progress.done),
      String(job.progress.failed),
      String(job.progress.toDo),
      job.createdAt,
      job.createdBy.sub,
    ]),
  );
}

export function renderItems(items: readonly ReplayItem[]): string {
  if (items.length === 0) return 'no items';
  return renderTable(
    ['ACCOUNT', 'VERSION', 'STATE', 'REASON', 'OUTCOME', 'CODE', 'HANDLED AT', 'FAILURE ID'],
    items.map((item) => [
      cell(item.accountId),
      cell(item.version),
      item.state,
      cell(item.reason),
      cell(item.outcome),
      cell(item.outcomeCode),
      cell(item.handledAt),
      cell(item.failureId),
    ]),
  );
}
