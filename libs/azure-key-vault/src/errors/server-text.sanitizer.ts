import { type Secret } from '@vault-backup/config';

const MAX_LENGTH = 300;
const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words; a secret that short is not worth protecting this way. */
const MIN_REDACTABLE_LENGTH = 4;
/** A JWT (an access token echoed back) or a `Bearer` credential. */
const TOKEN_PATTERN = /\b(?:Bearer\s+)?eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*/g;
/** Long base64/base64url runs: wrapped keys, moduli, assertions. Never useful in a message. */
const BLOB_PATTERN = /[A-Za-z0-9+/_-]{64,}={0,2}/g;

/**
 * Makes text that came from Key Vault or Entra ID fit for an error message: one line, bounded, with
 * tokens, long base64 blobs (key material) and every secret the request carried cut out.
 */
export function sanitizeServerText(text: string, secrets: readonly Secret<unknown>[] = []): string {
  let clean = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) {
    const value = secret.reveal();
    if (typeof value !== 'string' || value.length < MIN_REDACTABLE_LENGTH) continue;
    clean = clean.split(value).join(REDACTED);
  }
  clean = clean.replace(TOKEN_PATTERN, REDACTED).replace(BLOB_PATTERN, REDACTED);
  return clean.length > MAX_LENGTH ? `${clean.slice(0, MAX_LENGTH)}…` : clean;
}
