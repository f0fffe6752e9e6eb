import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ConfigurationError } from '@vault-backup/errors';
import { AuthUnavailableError, InvalidAccessTokenError, MissingAccessTokenError } from '../auth/auth.errors';
import {
  type FieldProblem,
  ForbiddenError,
  type ProblemFacts,
  RateLimitedError,
  RequestValidationError,
  ResourceNotFoundError,
  StateConflictError,
  UnprocessableError,
} from './admin.errors';
import { problemTitle, problemTypeUri } from './problem-types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What an error says about itself; the filter adds `instance` and `requestId` (see `problemBody`). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly problems?: readonly FieldProblem[];
  readonly facts?: ProblemFacts;
}

/** The RFC 9457 body: its members, our extension members, then the error's facts (which never replace a member). */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: string;
  readonly requestId: string;
  readonly problems?: readonly FieldProblem[];
  readonly [fact: string]: unknown;
}

export interface HttpAnswer {
  readonly status: number;
  readonly problem: Problem;
  /** Besides Content-Type: WWW-Authenticate on 401, Retry-After on 429 and 503. */
  readonly headers: Readonly<Record<string, string>>;
  /** True for our own faults: the filter logs them with the stack. A user mistake is never one. */
  readonly unexpected: boolean;
}

const REALM = 'realm="vault-backup"';
const DEFAULT_RETRY_AFTER_SECONDS = 5;
const INTERNAL_DETAIL = 'an internal error occurred; it has been logged under the request id';

/**
 * Maps any error thrown on an admin route to status, problem and headers. Pure, so every mapping is
 * unit-tested. 5xx details are generic: internal details go to the log, not the caller.
 */
export function toHttpAnswer(error: unknown): HttpAnswer {
  if (error instanceof RequestValidationError) {
    return answer(HttpStatus.BAD_REQUEST, error.code, 'the request is invalid; see problems', {
      problems: error.problems,
    });
  }
  if (error instanceof MissingAccessTokenError) {
    return answer(HttpStatus.UNAUTHORIZED, error.code, error.message, {
      headers: { 'WWW-Authenticate': `Bearer ${REALM}` },
    });
  }
  if (error instanceof InvalidAccessTokenError) {
    const challenge = `Bearer ${REALM}, error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`;
    return answer(HttpStatus.UNAUTHORIZED, error.code, error.message, {
      headers: { 'WWW-Authenticate': challenge },
    });
  }
  if (error instanceof ForbiddenError) return answer(HttpStatus.FORBIDDEN, error.code, error.message);
  if (error instanceof ResourceNotFoundError) return answer(HttpStatus.NOT_FOUND, error.code, error.message);
  if (error instanceof StateConflictError)
    return answer(HttpStatus.CONFLICT, error.code, error.message, { facts: error.facts });
  if (error instanceof UnprocessableError) {
    return answer(HttpStatus.UNPROCESSABLE_ENTITY, error.code, error.message, {
      type: problemTypeUri(error.problemType),
      title: error.title,
      facts: error.facts,
    });
  }
  if (error instanceof RateLimitedError) {
    return answer(HttpStatus.TOO_MANY_REQUESTS, error.code, error.message, {
      headers: { 'Retry-After': retryAfterSeconds(error) },
    });
  }
  if (error instanceof AuthUnavailableError) {
    return unavailable(
      error.code,
      "the token issuer's keys cannot be fetched right now; try again shortly",
      error,
    );
  }
  if (error instanceof HttpException) return fromHttpException(error);
  if (error instanceof AppError && error.retriable) {
    return unavailable(
      'DEPENDENCY_UNAVAILABLE',
      'a dependency of the service is unavailable; try again shortly',
      error,
    );
  }
  const code = error instanceof ConfigurationError ? error.code : 'INTERNAL_ERROR';
  return { ...answer(HttpStatus.INTERNAL_SERVER_ERROR, code, INTERNAL_DETAIL), unexpected: true };
}

/** The body sent: `instance` is the request path (never its query), `requestId` also in X-Request-Id. */
export function problemBody(problem: Problem, request: { instance: string; requestId: string }): ProblemBody {
  const { facts = {}, problems, ...members } = problem;
  return {
    ...facts,
    ...members,
    instance: request.instance,
    requestId: request.requestId,
    ...(problems ? { problems } : {}),
  };
}

/**
 * Errors Nest or the body parser raise before a route runs (malformed JSON, a body too large, no
 * such route...). Their messages may quote the request (V8 quotes the body of a JSON parse error),
 * so the detail is always ours.
 */
function fromHttpException(error: HttpException): HttpAnswer {
  const status = error.getStatus();
  if (status >= 500) return { ...answer(status, 'INTERNAL_ERROR', INTERNAL_DETAIL), unexpected: true };
  if (error.cause instanceof SyntaxError)
    return answer(HttpStatus.BAD_REQUEST, 'MALFORMED_JSON', 'the request body is not valid JSON');
  if (status === 413) return answer(status, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (status === 404) return answer(status, 'ROUTE_NOT_FOUND', 'no route matches this method and path');
  const reason = STATUS_CODES[status] ?? 'Error';
  const code = (HttpStatus[status] as string | undefined) ?? 'HTTP_ERROR';
  return answer(status, code, `the request cannot be processed (${reason.toLowerCase()})`);
}

function unavailable(code: string, detail: string, error: AppError): HttpAnswer {
  return answer(HttpStatus.SERVICE_UNAVAILABLE, code, detail, {
    headers: { 'Retry-After': retryAfterSeconds(error) },
  });
}

/** The error's own `retryAfterMs` (a throttling dependency, a rate limit) in whole seconds, else a default. */
function retryAfterSeconds(error: AppError): string {
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  const seconds =
    typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0
      ? Math.ceil(retryAfterMs / 1_000)
      : DEFAULT_RETRY_AFTER_SECONDS;
  return String(seconds);
}

function answer(
  status: number,
  code: string,
  detail: string,
  extra: {
    problems?: readonly FieldProblem[];
    headers?: Record<string, string>;
    type?: string;
    title?: string;
    facts?: ProblemFacts;
  } = {},
): HttpAnswer {
  return {
    status,
    problem: {
      type: extra.type ?? problemTypeUri(code),
      title: extra.title ?? problemTitle(code, status),
      status,
      detail,
      code,
      ...(extra.problems ? { problems: extra.problems } : {}),
      ...(extra.facts && Object.keys(extra.facts).length > 0 ? { facts: extra.facts } : {}),
    },
    headers: extra.headers ?? {},
    unexpected: false,
  };
}
