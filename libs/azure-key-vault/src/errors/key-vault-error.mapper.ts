import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { type Secret } from '@vault-backup/config';
import { BASE64_BLOB_PATTERN, BEARER_TOKEN_PATTERN, sanitizeServerText } from '@vault-backup/http-support';
import { isUrlNotAllowedError } from '@vault-backup/url-policy';
import { type KeyVaultErrorFacts, KeyVaultError, type KeyVaultOperation } from '../key-vault.errors';
import {
  classifyIdentityFailure,
  describeIdentityFailure,
  tenantMismatchText,
} from './identity-failure.classifier';
import {
  type IdentityFailure,
  type IdentityResponseRecord,
  readIdentityFailure,
} from './identity-failure.reader';
import { type KeyVaultProblem, summaryOf } from './key-vault-problems';
import { readRetryAfterMs } from './retry-after';
import { type VaultErrorBodies, type VaultErrorBody } from './vault-error-body';

export interface FailureContext {
  readonly operation: KeyVaultOperation;
  /** Secrets the connection holds, cut out of any server text that ends up in a message. */
  readonly secrets?: readonly Secret<unknown>[];
  /** Where the vault pipeline recorded error bodies (for `innererror`). */
  readonly errorBodies?: VaultErrorBodies;
  /** The newest failed answer of the identity pipeline since the operation began (MSAL drops it). */
  readonly identityResponse?: IdentityResponseRecord;
  readonly nowMs?: number;
}

/**
 * The one translator from everything the Azure SDK, MSAL and the network throw to a `KeyVaultError`.
 * Pure: it reads the error (and what the pipelines recorded) and decides; it never calls anything.
 */
export function toKeyVaultError(error: unknown, context: FailureContext): KeyVaultError {
  if (error instanceof KeyVaultError) return error;
  if (isUrlNotAllowedError(error)) {
    return new KeyVaultError(
      'url-not-allowed',
      `the vault address is not allowed: ${error.message}`,
      { operation: context.operation },
      { cause: error },
    );
  }
  if (isAbort(error)) return timeoutError(context, error);
  if (isRestError(error)) return mapRestError(error, context);
  const identity = readIdentityFailure(error);
  if (identity !== undefined) return mapIdentityFailure(identity, error, context);
  return mapPlainError(error, context);
}

/** By name: a `DOMException` from `AbortSignal.timeout` is not an `Error` in every realm. */
function isAbort(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' || name === 'TimeoutError';
}

function timeoutError(context: FailureContext, cause?: unknown): KeyVaultError {
  return new KeyVaultError(
    'timeout',
    `${context.operation}: no answer in time`,
    { operation: context.operation },
    { cause },
  );
}

function mapRestError(error: RestError, context: FailureContext): KeyVaultError {
  if (error.statusCode === undefined) return mapNetworkFailure(error, context);
  const body = context.errorBodies?.of(error) ?? {};
  const status = error.statusCode;
  const vaultCode = joinCodes(body.code ?? error.code, body.innerCode);
  const text = clean(body.message ?? error.message, context);
  const facts = (evidence: KeyVaultErrorFacts['evidence']): KeyVaultErrorFacts => ({
    operation: context.operation,
    status,
    vaultCode,
    evidence,
  });
  const describe = (what: string): string =>
    `${context.operation}: ${what} (HTTP ${status}${vaultCode === undefined ? '' : ` ${vaultCode}`}${text === '' ? '' : `: ${text}`})`;

  if (status === 429) {
    const retryAfterMs = readRetryAfterMs(error.response?.headers, context.nowMs ?? Date.now());
    return new KeyVaultError(
      'throttled',
      describe('Key Vault is throttling'),
      { ...facts('status'), retryAfterMs },
      { cause: error },
    );
  }
  if (status >= 500) {
    return new KeyVaultError('service-unavailable', describe('Key Vault server error'), facts('status'), {
      cause: error,
    });
  }
  const [problem, evidence] = classifyVaultStatus(
    status,
    { ...body, code: body.code ?? error.code },
    text,
    context.operation,
  );
  return new KeyVaultError(problem, describe(summaryOf(problem)), facts(evidence), { cause: error });
}

type Classified = readonly [KeyVaultProblem, NonNullable<KeyVaultErrorFacts['evidence']>];

function classifyVaultStatus(
  status: number,
  body: VaultErrorBody,
  text: string,
  operation: KeyVaultOperation,
): Classified {
  if (status === 401) {
    return /AKV10032|invalid issuer/i.test(text)
      ? ['tenant-mismatch', 'message']
      : ['authentication-failed', 'status'];
  }
  if (status === 403) return classifyForbidden(body, text);
  if (status === 404) return ['key-not-found', body.code === 'KeyNotFound' ? 'vault-code' : 'status'];
  if (status === 400 && operation === 'unwrap-key') {
    return OAEP_TEXT.test(text) ? ['unwrap-refused', 'message'] : ['unwrap-refused', 'status'];
  }
  return ['invalid-request', 'status'];
}

const OAEP_TEXT = /OAEP|padding|decod|decrypt/i;

const FORBIDDEN_BY_CODE: Readonly<Record<string, KeyVaultProblem>> = {
  ForbiddenByRbac: 'forbidden',
  ForbiddenByPolicy: 'forbidden',
  AccessDenied: 'forbidden',
  ForbiddenByFirewall: 'network-access-denied',
  ForbiddenByConnection: 'network-access-denied',
  KeyDisabled: 'key-disabled',
  KeyOperationForbidden: 'operation-not-permitted',
  KeyExpired: 'key-expired',
  KeyNotYetValid: 'key-not-yet-valid',
};

/** Ordered: "Operation unwrapKey is not allowed on a disabled key" is about the key, not the operation. */
const FORBIDDEN_BY_TEXT: readonly (readonly [RegExp, KeyVaultProblem])[] = [
  [/client address is not authorized|firewall|private (endpoint|link)/i, 'network-access-denied'],
  [/disabled/i, 'key-disabled'],
  [/expired/i, 'key-expired'],
  [/not yet valid|before (its )?activation|\bnbf\b|not active yet/i, 'key-not-yet-valid'],
  [
    /caller is not authorized|does not have .*permission|rbac|access denied|not authorized to perform/i,
    'forbidden',
  ],
  [/operation .*not (allowed|permitted|supported)|key_ops|permitted operations/i, 'operation-not-permitted'],
];

function classifyForbidden(body: VaultErrorBody, text: string): Classified {
  const byCode = body.innerCode === undefined ? undefined : FORBIDDEN_BY_CODE[body.innerCode];
  if (byCode !== undefined) return [byCode, 'vault-code'];
  const byText = FORBIDDEN_BY_TEXT.find(([pattern]) => pattern.test(text));
  return byText === undefined ? ['forbidden', 'status'] : [byText[1], 'message'];
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

function mapNetworkFailure(error: RestError, context: FailureContext): KeyVaultError {
  const code = error.code ?? 'REQUEST_SEND_ERROR';
  const facts: KeyVaultErrorFacts = { operation: context.operation, vaultCode: code, evidence: 'local' };
  const detail = clean(error.message, context);
  if (code === 'URL_NOT_ALLOWED') {
    return new KeyVaultError('url-not-allowed', `${context.operation}: ${detail}`, facts, { cause: error });
  }
  if (TLS_CODE.test(code)) {
    return new KeyVaultError('tls-failed', `${context.operation}: TLS failed (${code})`, facts, {
      cause: error,
    });
  }
  if (code === 'PARSE_ERROR') {
    return new KeyVaultError(
      'service-unavailable',
      `${context.operation}: unreadable answer from Key Vault`,
      facts,
      {
        cause: error,
      },
    );
  }
  const what =
    code === 'ENOTFOUND' ? 'the vault host name does not resolve' : 'Key Vault could not be reached';
  return new KeyVaultError('vault-unreachable', `${context.operation}: ${what} (${code}: ${detail})`, facts, {
    cause: error,
  });
}

function mapIdentityFailure(
  identity: IdentityFailure,
  error: unknown,
  context: FailureContext,
): KeyVaultError {
  const facts = (status?: number): KeyVaultErrorFacts => ({
    operation: context.operation,
    status,
    vaultCode: identity.aadsts[0] ?? identity.oauthCode,
    evidence: 'message',
  });
  const problem = classifyIdentityFailure(identity, context.identityResponse);
  const text = clean(
    problem === 'tenant-mismatch' ? tenantMismatchText(identity.text) : identity.text,
    context,
  );
  const status = identity.status ?? context.identityResponse?.status;
  const detail = describeIdentityFailure(identity, context.identityResponse, text);
  return new KeyVaultError(
    problem,
    `${context.operation}: ${summaryOf(problem)} (${detail})`,
    facts(status),
    {
      cause: error,
    },
  );
}

/** Plain `Error`s thrown by the SDK itself (before or instead of a request). */
const PLAIN_ERRORS: readonly (readonly [RegExp, KeyVaultProblem])[] = [
  [/challenge resource .* does not match/i, 'challenge-mismatch'],
  [/is not a valid Key Vault key ID/i, 'kid-not-trusted'],
  [/expired at/i, 'key-expired'],
  [/can't be used before/i, 'key-not-yet-valid'],
  [/Operation \w+ is not supported on key/i, 'operation-not-permitted'],
  [/allowInsecureConnection is false|not permitted for non-TLS/i, 'url-not-allowed'],
];

function mapPlainError(error: unknown, context: FailureContext): KeyVaultError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  const text = clean(message, context);
  const match = PLAIN_ERRORS.find(([pattern]) => pattern.test(text));
  const problem = match?.[1] ?? 'unexpected-failure';
  return new KeyVaultError(
    problem,
    `${context.operation}: ${summaryOf(problem)} (${text})`,
    { operation: context.operation, evidence: 'local' },
    { cause: error },
  );
}

function joinCodes(code: string | undefined, inner: string | undefined): string | undefined {
  if (code === undefined) return inner;
  return inner === undefined || inner === code ? code : `${code}/${inner}`;
}

/** Key Vault and Entra ID may echo access tokens and key material (wrapped keys, moduli): never in a message. */
const SERVER_TEXT_REDACTIONS = [BEARER_TOKEN_PATTERN, BASE64_BLOB_PATTERN];

function clean(text: string, context: FailureContext): string {
  return sanitizeServerText(text, context.secrets, { redact: SERVER_TEXT_REDACTIONS });
}
