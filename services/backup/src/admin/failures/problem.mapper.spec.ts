import { RequestValidationError } from '../http/admin.errors';
import { toCountsDto, toProblemDto, toProblemFilter } from './problem.mapper';
import { type Problem } from './problem';

const problem: Problem = {
  kind: 'parked',
  workspaceId: 'ws-1',
  accountId: 'acc-1',
  version: '3',
  failureId: null,
  error: { class: 'permission', code: 'PASWS041E', message: 'POST Accounts failed with HTTP 403 PASWS041E' },
  attempts: 4,
  firstFailedAt: new Date('2026-01-01T00:00:00Z'),
  lastFailedAt: new Date('2026-01-01T01:00:00Z'),
  nextAttemptAt: new Date('2026-01-01T01:05:00Z'),
  safeName: 'S1',
  platformId: 'P1',
  firstFailedMicros: '1767225600000000',
  itemKey: 'p:acc-1',
};

describe('toProblemDto', () => {
  it('answers the advice and the times, and nothing of the store', () => {
    expect(toProblemDto(problem)).toEqual({
      kind: 'parked',
      accountId: 'acc-1',
      version: '3',
      failureId: null,
      error: problem.error,
      action:
        'the service user lacks a permission on Safe S1 — grant it Add accounts, Update account content, Update account properties and List accounts; parked backups resume by themselves',
      attempts: 4,
      firstFailedAt: '2026-01-01T00:00:00.000Z',
      lastFailedAt: '2026-01-01T01:00:00.000Z',
      nextAttemptAt: '2026-01-01T01:05:00.000Z',
    });
  });

  it('has no next automatic retry for a failed backup', () => {
    expect(toProblemDto({ ...problem, kind: 'failed', failureId: 'f-1' }).nextAttemptAt).toBeNull();
  });
});

describe('toProblemFilter', () => {
  it('keeps only what was given', () => {
    expect(toProblemFilter({ code: 'PASWS041E' })).toEqual({ code: 'PASWS041E' });
    expect(toProblemFilter({ from: '2026-01-01T00:00:00Z', kind: 'failed' })).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      kind: 'failed',
    });
  });

  it('refuses a window that ends before it starts, naming `to`', () => {
    const refuse = () => toProblemFilter({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(refuse).toThrow(RequestValidationError);
    expect(refuse).toThrow(/to must not be before from/);
  });
});

describe('toCountsDto', () => {
  it('adds the classes up to the totals', () => {
    expect(
      toCountsDto([
        { errorClass: 'permission', failed: 2, parked: 1 },
        { errorClass: 'throttled', failed: 0, parked: 5 },
      ]),
    ).toEqual({
      total: 8,
      failed: 2,
      parked: 6,
      byClass: [
        { errorClass: 'permission', failed: 2, parked: 1, total: 3 },
        { errorClass: 'throttled', failed: 0, parked: 5, total: 5 },
      ],
    });
  });
});
