import { type Secret } from '@vault-backup/config';

const MAX_LENGTH = 300;
const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words; a secret that short is not worth protecting this way. */
const MIN_REDACTABLE_LENGTH = 4;

/**
 * Makes text that came from the server fit for an error message: one line, bounded, and with every
 * secret this request carried cut out, in case the server echoed a submitted value back.
 */
export function sanitizeServerText(text: string, secrets: readonly Secret<unknown>[] = []): string {
  let clean = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) {
    const value = secret.reveal();
    if (typeof value !== 'string' || value.length < MIN_REDACTABLE_LENGTH) continue;
    clean = clean.split(value).join(REDACTED);
  }
  return clean.length > MAX_LENGTH ? `${clean.slice(0, MAX_LENGTH)}…` : clean;
}
