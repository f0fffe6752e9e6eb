import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ConfigurationError } from '@vault-backup/errors';
import { AuthUnavailableError, InvalidAccessTokenError, MissingAccessTokenError } from '../auth/auth.errors';
import {
  type FieldProblem,
  ForbiddenError,
  RequestValidationError,
  ResourceNotFoundError,
  StateConflictError,
  UnprocessableError,
} from './admin.errors';

export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly errors?: readonly FieldProblem[];
}

/** RFC 9457 members around the usual body (whose fields stay, for clients that read `code`), plus the problem's facts. */
export interface ProblemBody extends ErrorBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

/** Base of the problem `type` URIs; the slug names the problem (documented in the OpenAPI document). */
export const PROBLEM_TYPE_BASE = 'urn:vault-backup:problem:';

export interface HttpAnswer {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True for our own faults: the filter logs them with the stack. A user mistake is never one. */
  readonly unexpected: boolean;
}

const REALM = 'realm="vault-backup"';
const RETRY_AFTER_SECONDS = '5';

/**
 * Maps any error thrown by an admin route to status, body and headers. Pure, so every mapping is
 * unit-tested. Bodies of 5xx answers are generic: internal details go to the log, not the caller.
 */
export function toHttpAnswer(error: unknown): HttpAnswer {
  if (error instanceof RequestValidationError) {
    return answer(HttpStatus.BAD_REQUEST, error.code, 'the request is invalid; see errors', {
      errors: error.problems,
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
  if (error instanceof StateConflictError) return answer(HttpStatus.CONFLICT, error.code, error.message);
  if (error instanceof UnprocessableError) return problem(HttpStatus.UNPROCESSABLE_ENTITY, error);
  if (error instanceof AuthUnavailableError) return unavailable(error.code, error.message);
  if (error instanceof HttpException) return fromHttpException(error);
  if (error instanceof AppError && error.retriable) {
    return unavailable(
      'DEPENDENCY_UNAVAILABLE',
      'a dependency of the service is unavailable; try again shortly',
    );
  }
  const code = error instanceof ConfigurationError ? error.code : 'INTERNAL_ERROR';
  return {
    ...answer(HttpStatus.INTERNAL_SERVER_ERROR, code, 'an internal error occurred; it has been logged'),
    unexpected: true,
  };
}

function fromHttpException(error: HttpException): HttpAnswer {
  const status = error.getStatus();
  if (status >= 500) {
    return {
      ...answer(status, 'INTERNAL_ERROR', 'an internal error occurred; it has been logged'),
      unexpected: true,
    };
  }
  if (error.cause instanceof SyntaxError)
    return answer(status, 'MALFORMED_JSON', 'the request body is not valid JSON');
  if (status === 413) return answer(status, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  const code = (HttpStatus[status] as string | undefined) ?? 'HTTP_ERROR';
  return answer(status, code, error.message);
}

function problem(status: number, error: UnprocessableError): HttpAnswer {
  const body: ProblemBody = {
    ...error.facts,
    type: `${PROBLEM_TYPE_BASE}${error.problemType}`,
    title: error.title,
    status,
    detail: error.message,
    statusCode: status,
    code: error.code,
    message: error.message,
  };
  return { status, body, headers: { 'Content-Type': 'application/problem+json' }, unexpected: false };
}

function unavailable(code: string, message: string): HttpAnswer {
  return answer(HttpStatus.SERVICE_UNAVAILABLE, code, message, {
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  });
}

function answer(
  status: number,
  code: string,
  message: string,
  extra: { errors?: readonly FieldProblem[]; headers?: Record<string, string> } = {},
): HttpAnswer {
  return {
    status,
    body: { statusCode: status, code, message, ...(extra.errors ? { errors: extra.errors } : {}) },
    headers: extra.headers ?? {},
    unexpected: false,
  };
}
