/** The CLI's exit codes; scripts tell success, partial failure and error apart by them. */
export const EXIT = {
  /** Everything asked was done (a replay: every item applied or skipped as superseded). */
  ok: 0,
  /** An error: the API unreachable, not logged in, a 4xx/5xx problem. */
  error: 1,
  /** Bad usage, or a confirmation refused. */
  usage: 2,
  /** Partial failure: some replayed items failed, failed again, are parked or still in flight. */
  partial: 3,
  /** Interrupted (Ctrl-C); a running replay job was asked to cancel. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0    success (a replay: every selected record applied or skipped as superseded)
  1    error (API unreachable, not logged in, an API problem answer)
  2    usage error, or confirmation refused
  3    partial failure (some records failed, failed again, are parked or still in flight)
  130  interrupted (Ctrl-C; a running replay job is cancelled)`;
