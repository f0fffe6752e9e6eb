import { type ReplayJob } from '../api/admin-api.types';
import { EXIT, type ExitCode } from '../cli/exit-codes';

/** The API's rule: a job is settled when nothing is left to do and nothing produced is unprocessed. */
export function isSettled(job: ReplayJob): boolean {
  return (job.status === 'completed' || job.status === 'cancelled') && job.outcome.inFlight === 0;
}

/**
 * 0 only when every item was applied or skipped: an item that could not be produced, failed again,
 * is parked, was not written (the backup was off), still in flight (a timeout) or never done (a
 * cancel) makes it a partial failure (3).
 */
export function exitCodeOf(job: ReplayJob): ExitCode {
  const { progress, outcome } = job;
  const clean =
    job.status === 'completed' &&
    progress.failed === 0 &&
    progress.toDo === 0 &&
    outcome.failedAgain === 0 &&
    outcome.parked === 0 &&
    outcome.inFlight === 0 &&
    (outcome.notWritten ?? 0) === 0;
  return clean ? EXIT.ok : EXIT.partial;
}

/** Worse to better: an error, then a partial failure, then success. */
const SEVERITY: readonly ExitCode[] = [EXIT.error, EXIT.partial, EXIT.ok];

/** The worst of several outcomes (1 error > 3 partial > 0; any other code first); none is a success. */
export function worstOf(codes: readonly ExitCode[]): ExitCode {
  const other = codes.find((code) => !SEVERITY.includes(code));
  return other ?? SEVERITY.find((code) => codes.includes(code)) ?? EXIT.ok;
}
