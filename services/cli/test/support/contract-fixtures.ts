import { type ReplayJob, type ReplayPlan } from '../../src/api/admin-api.types';

/** Shapes from services/backup/src/admin/replay-jobs/README.md and the problems/status DTOs. */
export function plan(toReplay: number, overrides: Partial<ReplayPlan> = {}): ReplayPlan {
  return {
    dryRun: true,
    toReplay,
    toSkip: { superseded: 1, recordTooLarge: 0, unreadable: 0 },
    items: [
      {
        failureId: 'f-1',
        accountId: 'acc-1',
        version: '7',
        errorClass: 'permission',
        code: 'PASWS041E',
        action: 'replay',
      },
      { failureId: 'f-2', accountId: 'acc-2', version: '3', action: 'skip', reason: 'superseded' },
    ],
    truncated: false,
    ...overrides,
  };
}

export function job(
  progress: Partial<ReplayJob['progress']> = {},
  outcome: Partial<ReplayJob['outcome']> = {},
  status: ReplayJob['status'] = 'running',
): ReplayJob {
  return {
    id: 'job-1',
    kind: 'failures',
    workspaceId: 'ws-1',
    status,
    ratePerSecond: 20,
    createdBy: { sub: 'alice', role: 'admin' },
    createdAt: '2026-12-03T12:00:00.000Z',
    finishedAt: status === 'running' ? null : '2026-12-03T12:00:05.000Z',
    progress: { total: 4, done: 0, toDo: 4, failed: 0, replayed: 0, skipped: 0, ...progress },
    outcome: { applied: 0, failedAgain: 0, parked: 0, inFlight: 0, notWritten: 0, ...outcome },
  };
}

export const finished = (outcome: Partial<ReplayJob['outcome']> = {}, failed = 0): ReplayJob =>
  job(
    { done: 4 - failed, toDo: 0, failed, replayed: 3 - failed, skipped: 1 },
    { applied: 3 - failed, ...outcome },
    'completed',
  );

export const problemItem = (accountId: string, kind = 'failed') => ({
  kind,
  accountId,
  version: '2',
  failureId: kind === 'failed' ? `f-${accountId}` : null,
  error: { class: 'invalid-property', code: 'PASWS167E', message: 'Property [totpSecret] is not defined' },
  action: 'platform VaultBackupPlatform has no optional property totpSecret — add it, then replay',
  attempts: 1,
  firstFailedAt: '2026-12-03T09:00:00.000Z',
  lastFailedAt: '2026-12-03T09:00:00.000Z',
  nextAttemptAt: kind === 'failed' ? null : '2026-12-03T12:05:00.000Z',
});

export const counts = (failed: number, parked: number) => ({
  total: failed + parked,
  failed,
  parked,
  byClass: [{ errorClass: 'invalid-property', failed, parked, total: failed + parked }],
});

/** A job of the operators' view of another workspace: `job()` with its own id and workspace. */
export const jobIn = (workspaceId: string, id: string, base: ReplayJob = job()): ReplayJob => ({
  ...base,
  id,
  workspaceId,
  createdBy: { sub: 'sre', role: 'operator_replay' },
});

/** One row of `GET /vault-backups/problems` (the operators' problems, counted by workspace). */
export const workspaceProblems = (workspaceId: string, failed: number, parked = 0) => ({
  workspaceId,
  failed,
  parked,
  total: failed + parked,
  oldestFailedAt: '2026-12-03T08:00:00.000Z',
  lastFailedAt: '2026-12-03T09:00:00.000Z',
  byClass: counts(failed, parked).byClass,
});

export const workspaceProblemsPage = (
  items: ReturnType<typeof workspaceProblems>[],
  nextCursor: string | null = null,
) => ({ items, counts: counts(0, 0), unattributed: counts(0, 0), nextCursor });
