import { type Secret } from '@vault-backup/config';
import { sanitizeServerText } from '@vault-backup/http-support';
import {
  type CyberArkError,
  type CyberArkErrorClass,
  type CyberArkErrorFacts,
  type UnavailableReason,
  CyberArkAccountNotFoundError,
  CyberArkAuthError,
  CyberArkDuplicateError,
  CyberArkInvalidPropertyError,
  CyberArkInvalidRequestError,
  CyberArkPermissionError,
  CyberArkPlatformNotFoundError,
  CyberArkRedirectRefusedError,
  CyberArkSafeNotFoundError,
  CyberArkThrottledError,
  CyberArkUnavailableError,
} from '../cyberark.errors';
import { type ParsedErrorBody, parseErrorBody } from './error-body.parser';

/** What the failed request addressed: decides what a bare 404 means. */
export type ResourceKind = 'account' | 'safe' | 'safe-member' | 'platform' | 'token' | 'ccp' | 'other';

export interface FailureContext {
  /** Route template with method, e.g. `GET Accounts/{id}`. */
  readonly operation: string;
  readonly resource: ResourceKind;
  /** Secrets the request carried, cut out of any server text that ends up in a message. */
  readonly secrets?: readonly Secret<unknown>[];
}

export interface HttpFailure {
  readonly status: number;
  readonly bodyText?: string;
  readonly retryAfterMs?: number;
}

type MappedClass = Exclude<CyberArkErrorClass, 'throttled' | 'unavailable' | 'redirect-refused'>;

/** ErrorCodes whose meaning does not depend on the HTTP status they came with. */
const CLASS_BY_CODE: Readonly<Record<string, MappedClass | 'unavailable'>> = {
  PASWS027E: 'duplicate',
  PASWS031E: 'safe-not-found',
  SFWS0007: 'safe-not-found',
  PASWS041E: 'permission',
  PASWS006E: 'auth',
  PASWS013E: 'auth',
  PASWS164E: 'invalid-property',
  // Central Credential Provider
  APPAP004E: 'account-not-found',
  APPAP306E: 'auth',
  APPAP008E: 'permission',
  APPAP007E: 'unavailable',
  APPAP282E: 'unavailable',
};

const OAUTH_AUTH_ERRORS: Readonly<Record<string, string>> = {
  invalid_client: 'the token endpoint rejected the client credentials (invalid_client)',
  unauthorized_client:
    'the service user may not use the client_credentials grant; is it marked "Is OAuth confidential client"? (unauthorized_client)',
  invalid_grant: 'the token endpoint refused the grant (invalid_grant)',
};

const NOT_FOUND_BY_RESOURCE: Readonly<Record<ResourceKind, MappedClass>> = {
  account: 'account-not-found',
  safe: 'safe-not-found',
  'safe-member': 'safe-not-found',
  platform: 'platform-not-found',
  ccp: 'account-not-found',
  token: 'auth',
  other: 'invalid-request',
};

/** Turns a non-2xx HTTP answer into the typed error a caller can decide on. */
export function mapHttpFailure(failure: HttpFailure, context: FailureContext): CyberArkError {
  const body = parseErrorBody(failure.bodyText);
  const facts: CyberArkErrorFacts = {
    operation: context.operation,
    status: failure.status,
    cyberArkCode: body.code,
    detailCodes: body.details.map((detail) => detail.code).filter((code) => code !== undefined),
  };
  const message = describeFailure(failure.status, body, context);
  if (failure.status >= 300 && failure.status < 400) {
    return new CyberArkRedirectRefusedError(
      `${context.operation} answered with a redirect, which is never followed`,
      facts,
    );
  }
  if (failure.status === 429) {
    return new CyberArkThrottledError(message, { ...facts, retryAfterMs: failure.retryAfterMs });
  }
  const errorClass =
    context.resource === 'token'
      ? classifyTokenFailure(failure.status, body)
      : classifyApiFailure(failure.status, body, context);
  const tokenMessage = context.resource === 'token' ? OAUTH_AUTH_ERRORS[body.code ?? ''] : undefined;
  return createError(
    errorClass,
    tokenMessage === undefined ? message : `${context.operation}: ${tokenMessage}`,
    facts,
  );
}

/** A failure before any HTTP status arrived. */
export function mapNetworkFailure(
  reason: Exclude<UnavailableReason, 'server-error' | 'circuit-open'>,
  detail: string,
  context: FailureContext,
): CyberArkUnavailableError {
  return new CyberArkUnavailableError(reason, `${context.operation} failed: ${reason} (${detail})`, {
    operation: context.operation,
  });
}

function classifyApiFailure(
  status: number,
  body: ParsedErrorBody,
  context: FailureContext,
): MappedClass | 'unavailable' {
  const byCode = classifyByCode(body);
  if (byCode !== undefined) return byCode;
  if (status >= 500) return 'unavailable';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  const byText = classifyByText(body);
  if (byText !== undefined) return byText;
  if (status === 404) return NOT_FOUND_BY_RESOURCE[context.resource];
  if (status === 409) return 'duplicate';
  return 'invalid-request';
}

function classifyTokenFailure(status: number, body: ParsedErrorBody): MappedClass | 'unavailable' {
  if (body.code !== undefined && body.code in OAUTH_AUTH_ERRORS) return 'auth';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'auth';
  return 'invalid-request';
}

function classifyByCode(body: ParsedErrorBody): MappedClass | 'unavailable' | undefined {
  const codes = [body.code, ...body.details.map((detail) => detail.code)];
  for (const code of codes) {
    const errorClass = code === undefined ? undefined : CLASS_BY_CODE[code.toUpperCase()];
    if (errorClass !== undefined) return errorClass;
  }
  return undefined;
}

const DUPLICATE_TEXT = /already exists/i;
const MISSING_MANDATORY_TEXT = /missing mandatory parameter in platform/i;
const BAD_PROPERTY_TEXT =
  /(propert(y|ies)\b[^.]*\b(not valid|invalid|not defined|unknown|undefined|does not exist|doesn't exist|cannot be updated|not found))|((not valid|invalid|not defined|unknown) for the (specific )?platform)/i;
const MISSING_PLATFORM_TEXT =
  /(platform\b[^.]*\b(not found|does not exist|doesn't exist|is invalid|is not valid|unknown))|((invalid|unknown) platform)/i;
const MISSING_SAFE_TEXT = /safe\b[^.]*\b(not found|does not exist|doesn't exist)/i;

/**
 * Fallbacks for codes CyberArk has not documented (unknown platform property, unknown platform),
 * read from the messages and the `ParameterName` of `Details`.
 */
function classifyByText(body: ParsedErrorBody): MappedClass | undefined {
  const texts = [body.message, ...body.details.map((detail) => detail.message)].filter(
    (text) => text !== undefined,
  );
  const parameters = body.details.map((detail) => detail.parameterName?.toLowerCase() ?? '');
  if (texts.some((text) => DUPLICATE_TEXT.test(text))) return 'duplicate';
  if (parameters.some((name) => name.startsWith('platformaccountproperties'))) return 'invalid-property';
  if (texts.some((text) => MISSING_MANDATORY_TEXT.test(text) || BAD_PROPERTY_TEXT.test(text)))
    return 'invalid-property';
  if (parameters.includes('platformid') || texts.some((text) => MISSING_PLATFORM_TEXT.test(text))) {
    return 'platform-not-found';
  }
  if (texts.some((text) => MISSING_SAFE_TEXT.test(text))) return 'safe-not-found';
  return undefined;
}

function describeFailure(status: number, body: ParsedErrorBody, context: FailureContext): string {
  const codes = [body.code, ...body.details.map((detail) => detail.code)].filter(
    (code) => code !== undefined,
  );
  const texts = [body.message, ...body.details.map((detail) => detail.message)].filter(
    (text) => text !== undefined,
  );
  const codePart = codes.length > 0 ? ` ${codes.join('/')}` : '';
  const textPart = texts.length > 0 ? `: ${sanitizeServerText(texts.join(' | '), context.secrets)}` : '';
  return `${context.operation} failed with HTTP ${status}${codePart}${textPart}`;
}

function createError(
  errorClass: MappedClass | 'unavailable',
  message: string,
  facts: CyberArkErrorFacts,
): CyberArkError {
  switch (errorClass) {
    case 'auth':
      return new CyberArkAuthError(message, facts);
    case 'permission':
      return new CyberArkPermissionError(message, facts);
    case 'safe-not-found':
      return new CyberArkSafeNotFoundError(message, facts);
    case 'platform-not-found':
      return new CyberArkPlatformNotFoundError(message, facts);
    case 'account-not-found':
      return new CyberArkAccountNotFoundError(message, facts);
    case 'invalid-property':
      return new CyberArkInvalidPropertyError(message, facts);
    case 'duplicate':
      return new CyberArkDuplicateError(message, facts);
    case 'invalid-request':
      return new CyberArkInvalidRequestError(message, facts);
    case 'unavailable':
      return new CyberArkUnavailableError('server-error', message, facts);
  }
}
