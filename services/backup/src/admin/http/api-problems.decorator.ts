import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type HeadersObject } from '@nestjs/swagger';
import { ProblemDetailsDto } from './dto/problem-details.dto';
import { PROBLEM_CONTENT_TYPE } from './http-answer';
import { PROBLEM_TYPES, problemTypeUri } from './problem-types';

/** Reusable headers, defined once in the document's `components.headers` (see openapi.document.ts). */
export const REQUEST_ID_HEADER = 'X-Request-Id';
export const RETRY_AFTER_HEADER = 'Retry-After';
export const WWW_AUTHENTICATE_HEADER = 'WWW-Authenticate';
export const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

export interface ProblemResponse {
  readonly status: ProblemStatus;
  /** Defaults to the status's usual meaning in this API. */
  readonly description?: string;
  /** The code of the example (defaults per status). */
  readonly code?: string;
  /** A subclass of ProblemDetailsDto declaring the problem's facts. */
  readonly schema?: Type<ProblemDetailsDto>;
  readonly example?: Readonly<Record<string, unknown>>;
}

const EXAMPLE_PATH = '/api/v1/workspaces/ws-4f2a/vault-backup';
const EXAMPLE_REQUEST_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const DEFAULTS: Readonly<Record<ProblemStatus, { description: string; code: string; detail: string }>> = {
  400: {
    description:
      'Invalid input: `validation-failed` with one entry per broken rule in `problems`, or `malformed-json`.',
    code: 'VALIDATION_FAILED',
    detail: 'the request is invalid; see problems',
  },
  401: {
    description:
      'No bearer token (`auth-token-missing`) or an expired or otherwise invalid one (`auth-token-invalid`); see WWW-Authenticate.',
    code: 'AUTH_TOKEN_INVALID',
    detail: 'the access token expired',
  },
  403: {
    description: 'Your role may not do this (`forbidden`).',
    code: 'FORBIDDEN',
    detail: 'the member role may not do this',
  },
  404: {
    description:
      'No vault backup here, or not your workspace (`vault-backup-not-found`): the two answers are identical on purpose.',
    code: 'VAULT_BACKUP_NOT_FOUND',
    detail: 'there is no vault backup for this workspace',
  },
  409: {
    description: 'The resource is not in a state that allows this; `code` names the missing step.',
    code: 'VALIDATION_REQUIRED',
    detail: 'validate the targets before enabling the backup',
  },
  413: {
    description: 'The request body is too large (`payload-too-large`).',
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'the request body is too large',
  },
  422: {
    description: 'The request is valid, but what it names cannot be processed.',
    code: 'REPLAY_RECORD_TOO_LARGE',
    detail: 'what the request names cannot be processed',
  },
  429: {
    description:
      'Too many checks for this workspace (`rate-limited`): nothing was run or changed; retry after Retry-After.',
    code: 'RATE_LIMITED',
    detail: 'this workspace ran more than 5 checks in a row or 10 per minute; retry later',
  },
  500: {
    description:
      'A fault on our side (`internal-error`): the detail is generic and the error is logged under the request id.',
    code: 'INTERNAL_ERROR',
    detail: 'an internal error occurred; it has been logged under the request id',
  },
  503: {
    description:
      'A dependency is unavailable (`auth-unavailable`, `dependency-unavailable`, e.g. the database): retry after Retry-After.',
    code: 'DEPENDENCY_UNAVAILABLE',
    detail: 'a dependency of the service is unavailable; try again shortly',
  },
};

/**
 * Declares the error answers of an operation (or of every operation of a controller): RFC 9457
 * problem details as `application/problem+json`, with an example and their headers. A method's
 * declaration of a status replaces its controller's.
 *
 *   @ApiProblems(404, { status: 409, description: 'Not validated.', code: 'VALIDATION_REQUIRED' })
 */
export function ApiProblems(
  ...responses: readonly (ProblemStatus | ProblemResponse)[]
): MethodDecorator & ClassDecorator {
  const specs = responses.map((response) => (typeof response === 'number' ? { status: response } : response));
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, ...specs.flatMap((spec) => (spec.schema ? [spec.schema] : []))),
    ...specs.map((spec) => ApiResponse(problemResponse(spec))),
  );
}

function problemResponse(spec: ProblemResponse) {
  const defaults = DEFAULTS[spec.status];
  return {
    status: spec.status,
    description: spec.description ?? defaults.description,
    headers: headersOf(spec.status),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: getSchemaPath(spec.schema ?? ProblemDetailsDto) },
        example: spec.example ?? exampleOf(spec.status, spec.code ?? defaults.code, defaults.detail),
      },
    },
  };
}

function headersOf(status: ProblemStatus): HeadersObject {
  return {
    [REQUEST_ID_HEADER]: headerRef(REQUEST_ID_HEADER),
    ...(status === 401 ? { [WWW_AUTHENTICATE_HEADER]: headerRef(WWW_AUTHENTICATE_HEADER) } : {}),
    ...(status === 429 || status === 503 ? { [RETRY_AFTER_HEADER]: headerRef(RETRY_AFTER_HEADER) } : {}),
  };
}

function exampleOf(status: ProblemStatus, code: string, detail: string): Record<string, unknown> {
  return {
    type: problemTypeUri(code),
    title: PROBLEM_TYPES[code]?.title ?? code,
    status,
    detail,
    instance: EXAMPLE_PATH,
    code,
    requestId: EXAMPLE_REQUEST_ID,
    ...(status === 400
      ? {
          problems: [
            { field: 'safeName', message: 'must be 1-28 characters without / \\ : * ? " < > | or tab' },
          ],
        }
      : {}),
  };
}
