import {
  type PlannedItemDto,
  type ReplayItemDto,
  type ReplayJobDto,
  type ReplayPlanDto,
} from './dto/replay-job.dto';
import { type ReplayItem, type ReplayJob } from './replay-job';
import { type PlannedItem } from './replay-job.store';

const PLAN_ITEMS_SHOWN = 100;

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function toJobDto(job: ReplayJob): ReplayJobDto {
  const { progress, outcome } = job;
  return {
    id: job.id,
    kind: job.kind,
    workspaceId: job.workspaceId,
    status: job.status,
    selection: { ...job.selection },
    ratePerSecond: job.ratePerSecond,
    createdBy: { sub: job.createdBy.sub, role: job.createdBy.role },
    createdAt: job.createdAt.toISOString(),
    finishedAt: iso(job.finishedAt),
    cancelledAt: iso(job.cancelledAt),
    cancelledBy: job.cancelledBy,
    progress: {
      total: progress.total,
      done: progress.replayed + progress.skipped,
      toDo: progress.toDo,
      failed: progress.failed,
      replayed: progress.replayed,
      skipped: progress.skipped,
    },
    outcome: { ...outcome },
    settled: job.status !== 'running' && outcome.inFlight === 0,
  };
}

export function toItemDto(item: ReplayItem): ReplayItemDto {
  return {
    seq: item.seq,
    failureId: item.failureId,
    workspaceId: item.workspaceId,
    accountId: item.accountId,
    version: item.version,
    errorClass: item.errorClass,
    errorCode: item.errorCode,
    source: item.source,
    state: item.state,
    reason: item.reason,
    outcome: item.outcome,
    outcomeCode: item.outcomeCode,
    deliveredTo: item.deliveredTo ? { ...item.deliveredTo } : null,
    handledAt: iso(item.handledAt),
  };
}

/** A plan: how many would be produced, how many skipped and why, and the first items. */
export function toPlanDto(items: readonly PlannedItem[]): ReplayPlanDto {
  const count = (reason: PlannedItem['skip']) => items.filter((item) => item.skip === reason).length;
  return {
    dryRun: true,
    toReplay: count(undefined),
    toSkip: {
      superseded: count('superseded'),
      alreadyReplayed: count('already-replayed'),
      recordTooLarge: count('record-too-large'),
      unreadable: count('record-unreadable'),
      originalOmitted: count('original-omitted'),
    },
    items: items.slice(0, PLAN_ITEMS_SHOWN).map(toPlannedItemDto),
    truncated: items.length > PLAN_ITEMS_SHOWN,
  };
}

function toPlannedItemDto(item: PlannedItem): PlannedItemDto {
  return {
    failureId: item.failureId,
    workspaceId: item.workspaceId,
    accountId: item.accountId,
    version: item.version,
    errorClass: item.errorClass,
    code: item.errorCode,
    source: item.source ?? null,
    action: item.skip === undefined ? 'replay' : 'skip',
    reason: item.skip ?? null,
  };
}
