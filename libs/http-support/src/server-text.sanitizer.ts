import { type Secret } from '@vault-backup/config';

const MAX_LENGTH = 300;
const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words; a secret that short is not worth protecting this way. */
const MIN_REDACTABLE_LENGTH = 4;

/** A JWT (an access token echoed back) or a `Bearer` credential. */
export const BEARER_TOKEN_PATTERN =
  /\b(?:Bearer\s+)?eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*/g;
/** Long base64/base64url runs: wrapped keys, moduli, assertions. Never useful in a message. */
export const BASE64_BLOB_PATTERN = /[A-Za-z0-9+/_-]{64,}={0,2}/g;

export interface SanitizeOptions {
  /**
   * Further shapes to cut out after the secrets (global regular expressions), e.g.
   * {@link BEARER_TOKEN_PATTERN} and {@link BASE64_BLOB_PATTERN} for servers that echo tokens or key material.
   */
  readonly redact?: readonly RegExp[];
}

/**
 * Makes text that came from a server fit for an error message: one line, bounded (300 characters and
 * an ellipsis), with every secret this request carried cut out, in case the server echoed a submitted
 * value back, and then whatever `options.redact` matches.
 */
export function sanitizeServerText(
  text: string,
  secrets: readonly Secret<unknown>[] = [],
  options: SanitizeOptions = {},
): string {
  let clean = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) {
    const value = secret.reveal();
    if (typeof value !== 'string' || value.length < MIN_REDACTABLE_LENGTH) continue;
    clean = clean.split(value).join(REDACTED);
  }
  for (const pattern of options.redact ?? []) clean = clean.replace(pattern, REDACTED);
  return clean.length > MAX_LENGTH ? `${clean.slice(0, MAX_LENGTH)}…` : clean;
}
