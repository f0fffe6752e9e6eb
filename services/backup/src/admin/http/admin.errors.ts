import { AppError } from '@vault-backup/errors';

/** One invalid field of a request: the field's path and the rule it broke, never its value. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
  /** A stable machine-readable reason where there is one (e.g. the URL policy's). */
  readonly reason?: string;
}

/** 400: the request itself is wrong; `problems` names each field. */
export class RequestValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED';
  readonly retriable = false;

  constructor(readonly problems: readonly FieldProblem[]) {
    super(
      `the request is invalid: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
    );
  }
}

/** 404. Also what a workspace that is not the caller's answers, so its existence never leaks. */
export class ResourceNotFoundError extends AppError {
  readonly retriable = false;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 403: an authenticated caller whose role may not do this. */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly retriable = false;
}

/** 409: the resource is not in a state that allows the action (the message names the missing step). */
export class StateConflictError extends AppError {
  readonly retriable = false;

  constructor(
    readonly code: string,
    message: string,
    /** Sent as extension members, e.g. the id of the job that is in the way. */
    readonly facts: ProblemFacts = {},
  ) {
    super(message);
  }
}

export const VAULT_BACKUP_NOT_FOUND = 'VAULT_BACKUP_NOT_FOUND';

/** The single answer for "no backup here" and "not your workspace": identical on purpose. */
export function vaultBackupNotFound(): ResourceNotFoundError {
  return new ResourceNotFoundError(VAULT_BACKUP_NOT_FOUND, 'there is no vault backup for this workspace');
}

/** Facts of an RFC 9457 problem, sent as its extension members: numbers and identifiers, never a secret. */
export type ProblemFacts = Readonly<Record<string, string | number>>;

/**
 * 422 as RFC 9457 problem details (application/problem+json): the request is valid, but what it
 * names cannot be processed. `problemType` is the stable slug of the problem's `type` URI.
 */
export class UnprocessableError extends AppError {
  readonly retriable = false;

  constructor(
    readonly code: string,
    readonly problemType: string,
    readonly title: string,
    message: string,
    readonly facts: ProblemFacts = {},
  ) {
    super(message);
  }
}

/** 429: the caller sent too many requests; `retryAfterMs` says when to try again (the Retry-After header). */
export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  readonly retriable = true;

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
