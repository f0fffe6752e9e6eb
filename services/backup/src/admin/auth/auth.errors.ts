import { AppError } from '@vault-backup/errors';

/** 401 without an error code (RFC 6750 §3.1): the request carried no bearer token at all. */
export class MissingAccessTokenError extends AppError {
  readonly code = 'AUTH_TOKEN_MISSING';
  readonly retriable = false;
}

/** 401 `invalid_token`: expired, not yet valid, wrong issuer or audience, bad signature, bad claims. */
export class InvalidAccessTokenError extends AppError {
  readonly code = 'AUTH_TOKEN_INVALID';
  readonly retriable = false;
}

/** 503: the issuer's key set could not be fetched; the token may well be valid, so never a 401. */
export class AuthUnavailableError extends AppError {
  readonly code = 'AUTH_UNAVAILABLE';
  readonly retriable = true;
}
