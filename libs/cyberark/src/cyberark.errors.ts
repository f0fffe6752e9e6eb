import { AppError } from '@vault-backup/errors';

/** What went wrong, in the terms a caller decides on. Stable: used in metrics and failure records. */
export const CYBERARK_ERROR_CLASSES = [
  'auth',
  'permission',
  'safe-not-found',
  'platform-not-found',
  'account-not-found',
  'invalid-property',
  'duplicate',
  'throttled',
  'unavailable',
  'invalid-request',
  'redirect-refused',
] as const;

export type CyberArkErrorClass = (typeof CYBERARK_ERROR_CLASSES)[number];

/**
 * Why CyberArk could not be reached or answered with a transient fault. `connect-failed` and
 * `circuit-open` mean the request never left this process, so a create cannot have happened.
 */
export type UnavailableReason =
  'connect-failed' | 'connection-reset' | 'timeout' | 'server-error' | 'invalid-response' | 'circuit-open';

/** Facts about a failed call that are safe to log: never a request body, a token or a secret. */
export interface CyberArkErrorFacts {
  /** e.g. `GET Accounts/{id}`: a route template, never a raw path with ids or names. */
  readonly operation?: string;
  readonly status?: number;
  /** The top-level `ErrorCode` (or OAuth `error`) CyberArk returned. */
  readonly cyberArkCode?: string;
  /** ErrorCodes found in `Details[]`, e.g. PASWS031E inside a PASWS167E wrapper. */
  readonly detailCodes?: readonly string[];
}

export abstract class CyberArkError extends AppError {
  abstract readonly errorClass: CyberArkErrorClass;
  readonly operation?: string;
  readonly status?: number;
  readonly cyberArkCode?: string;
  readonly detailCodes: readonly string[];

  constructor(message: string, facts: CyberArkErrorFacts = {}) {
    super(message);
    this.operation = facts.operation;
    this.status = facts.status;
    this.cyberArkCode = facts.cyberArkCode;
    this.detailCodes = facts.detailCodes ?? [];
  }

  /** Every CyberArk code in the answer, top level first. */
  get allCodes(): readonly string[] {
    return this.cyberArkCode === undefined ? this.detailCodes : [this.cyberArkCode, ...this.detailCodes];
  }

  override toJSON(): ReturnType<AppError['toJSON']> & {
    errorClass: CyberArkErrorClass;
    status?: number;
    cyberArkCode?: string;
    operation?: string;
  } {
    return {
      ...super.toJSON(),
      errorClass: this.errorClass,
      status: this.status,
      cyberArkCode: this.cyberArkCode,
      operation: this.operation,
    };
  }
}

/** Credentials rejected: bad client secret, not an OAuth confidential client, or a bearer refused after a refresh. */
export class CyberArkAuthError extends CyberArkError {
  readonly code = 'CYBERARK_AUTH';
  readonly errorClass = 'auth';
  readonly retriable = false;
}

/** The service user lacks a Safe permission (403, PASWS041E). */
export class CyberArkPermissionError extends CyberArkError {
  readonly code = 'CYBERARK_PERMISSION';
  readonly errorClass = 'permission';
  readonly retriable = false;
}

/** The Safe does not exist, or the service user is not a member (CyberArk reports both the same way). */
export class CyberArkSafeNotFoundError extends CyberArkError {
  readonly code = 'CYBERARK_SAFE_NOT_FOUND';
  readonly errorClass = 'safe-not-found';
  readonly retriable = false;
}

export class CyberArkPlatformNotFoundError extends CyberArkError {
  readonly code = 'CYBERARK_PLATFORM_NOT_FOUND';
  readonly errorClass = 'platform-not-found';
  readonly retriable = false;
}

export class CyberArkAccountNotFoundError extends CyberArkError {
  readonly code = 'CYBERARK_ACCOUNT_NOT_FOUND';
  readonly errorClass = 'account-not-found';
  readonly retriable = false;
}

/** A platform account property the platform does not define, a missing mandatory one, or one that cannot be patched. */
export class CyberArkInvalidPropertyError extends CyberArkError {
  readonly code = 'CYBERARK_INVALID_PROPERTY';
  readonly errorClass = 'invalid-property';
  readonly retriable = false;
}

/** An account with that name already exists in the Safe (PASWS027E, sent as 409 or 400). */
export class CyberArkDuplicateError extends CyberArkError {
  readonly code = 'CYBERARK_DUPLICATE';
  readonly errorClass = 'duplicate';
  readonly retriable = false;
}

/** HTTP 429. `retryAfterMs` is what the server asked for, when it said. */
export class CyberArkThrottledError extends CyberArkError {
  readonly code = 'CYBERARK_THROTTLED';
  readonly errorClass = 'throttled';
  readonly retriable = true;
  readonly retryAfterMs?: number;

  constructor(message: string, facts: CyberArkErrorFacts & { retryAfterMs?: number } = {}) {
    super(message, facts);
    this.retryAfterMs = facts.retryAfterMs;
  }
}

/** Network failure, timeout, 5xx, unusable answer or open circuit: trying again later may help. */
export class CyberArkUnavailableError extends CyberArkError {
  readonly code = 'CYBERARK_UNAVAILABLE';
  readonly errorClass = 'unavailable';
  readonly retriable = true;

  constructor(
    readonly reason: UnavailableReason,
    message: string,
    facts: CyberArkErrorFacts = {},
  ) {
    super(message, facts);
  }

  /** False when the request certainly never reached CyberArk (so a POST cannot have taken effect). */
  get requestMayHaveBeenProcessed(): boolean {
    return this.reason !== 'connect-failed' && this.reason !== 'circuit-open';
  }

  /**
   * True when the request was abandoned without an answer (timeout, reset): CyberArk may still apply
   * it later, after anything sent next. A writer must leave the account alone for a while.
   */
  get mayStillLand(): boolean {
    return this.reason === 'timeout' || this.reason === 'connection-reset';
  }
}

/** Any other 4xx, or a request this client refuses to send (bad path, forbidden characters). */
export class CyberArkInvalidRequestError extends CyberArkError {
  readonly code = 'CYBERARK_INVALID_REQUEST';
  readonly errorClass = 'invalid-request';
  readonly retriable = false;
}

/** A 3xx answer, or a nextLink pointing outside the tenant: redirects are never followed. */
export class CyberArkRedirectRefusedError extends CyberArkError {
  readonly code = 'CYBERARK_REDIRECT_REFUSED';
  readonly errorClass = 'redirect-refused';
  readonly retriable = false;
}

export function isCyberArkError(error: unknown): error is CyberArkError {
  return error instanceof CyberArkError;
}

/** Transient failures are the only ones that should open a circuit breaker. */
export function isTransientCyberArkError(
  error: unknown,
): error is CyberArkUnavailableError | CyberArkThrottledError {
  return error instanceof CyberArkUnavailableError || error instanceof CyberArkThrottledError;
}
