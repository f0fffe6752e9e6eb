import { RequestValidationError } from '../http/admin.errors';
import {
  type ClassCountDto,
  type ProblemCountsDto,
  type ProblemDto,
  type ProblemsQueryDto,
} from './dto/problem.dto';
import { actionFor } from './problem-catalogue';
import { type ClassCount, type Problem } from './problem';
import { type ProblemFilter } from './problem-query';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** Whitelist, with the catalogue's advice; the record itself never leaves the service. */
export function toProblemDto(problem: Problem): ProblemDto {
  return {
    kind: problem.kind,
    accountId: problem.accountId,
    version: problem.version,
    failureId: problem.failureId,
    error: { class: problem.error.class, code: problem.error.code, message: problem.error.message },
    action: actionFor({
      kind: problem.kind,
      errorClass: problem.error.class,
      code: problem.error.code,
      message: problem.error.message,
      safeName: problem.safeName,
      platformId: problem.platformId,
    }),
    attempts: problem.attempts,
    firstFailedAt: problem.firstFailedAt.toISOString(),
    lastFailedAt: problem.lastFailedAt.toISOString(),
    nextAttemptAt: problem.kind === 'parked' ? iso(problem.nextAttemptAt) : null,
  };
}

/** The filter of a validated query; a window that ends before it starts is a 400 naming `to`. */
export function toProblemFilter(query: ProblemsQueryDto): ProblemFilter {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw new RequestValidationError([{ field: 'to', message: 'must not be before from' }]);
  }
  return {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.errorClass ? { errorClass: query.errorClass } : {}),
    ...(query.code ? { code: query.code } : {}),
    ...(query.accountId ? { accountId: query.accountId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export function toClassCountDtos(counts: readonly ClassCount[]): ClassCountDto[] {
  return counts.map(({ errorClass, failed, parked }) => ({
    errorClass,
    failed,
    parked,
    total: failed + parked,
  }));
}

/** Totals and the per-class counts they are the sum of. */
export function toCountsDto(counts: readonly ClassCount[]): ProblemCountsDto {
  const byClass = toClassCountDtos(counts);
  const failed = byClass.reduce((sum, count) => sum + count.failed, 0);
  const parked = byClass.reduce((sum, count) => sum + count.parked, 0);
  return { total: failed + parked, failed, parked, byClass };
}
