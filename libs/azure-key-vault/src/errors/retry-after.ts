import { parseRetryAfter } from '@vault-backup/http-support';

const DELAY_MILLISECONDS = /^\d+$/;

/** The headers a Key Vault 429 may carry, in the order the Azure SDK itself reads them. */
export interface RetryAfterHeaders {
  get(name: string): string | undefined;
}

/**
 * How long a throttled caller should wait, from `retry-after-ms` / `x-ms-retry-after-ms`
 * (milliseconds, Azure's own headers) or `Retry-After` (RFC 9110: delay-seconds or an HTTP-date, read
 * by the shared `parseRetryAfter`). A date in the past means 0; anything missing or unreadable means
 * "the server did not say" (undefined).
 */
export function readRetryAfterMs(headers: RetryAfterHeaders | undefined, nowMs: number): number | undefined {
  if (headers === undefined) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers.get(name)?.trim();
    if (value !== undefined && DELAY_MILLISECONDS.test(value)) return Number(value);
  }
  return parseRetryAfter(headers.get('retry-after'), nowMs);
}
