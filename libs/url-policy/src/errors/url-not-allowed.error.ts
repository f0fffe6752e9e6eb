import { AppError } from '@vault-backup/errors';

/** Why a tenant URL was refused; stable, safe to return to the user and to count. */
export const URL_REJECTION_REASONS = [
  'malformed',
  'too-long',
  'scheme-not-allowed',
  'userinfo-not-allowed',
  'ip-literal-not-allowed',
  'host-not-allowed',
  'port-not-allowed',
  'path-not-allowed',
  'query-not-allowed',
  'fragment-not-allowed',
  'address-not-allowed',
] as const;

export type UrlRejectionReason = (typeof URL_REJECTION_REASONS)[number];

/**
 * A tenant URL (or an address it resolves to) is outside what the operator allowed. The message
 * says which rule failed and never repeats the URL: it may carry a user name and password.
 */
export class UrlNotAllowedError extends AppError {
  readonly code = 'URL_NOT_ALLOWED';
  readonly retriable = false;

  constructor(
    readonly reason: UrlRejectionReason,
    message: string,
  ) {
    super(message);
  }

  override toJSON(): ReturnType<AppError['toJSON']> & { reason: UrlRejectionReason } {
    return { ...super.toJSON(), reason: this.reason };
  }
}

export function isUrlNotAllowedError(error: unknown): error is UrlNotAllowedError {
  return error instanceof UrlNotAllowedError;
}
