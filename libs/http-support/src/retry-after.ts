const DELAY_SECONDS = /^\d+(\.\d+)?$/;

/**
 * Reads a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) as milliseconds from `nowMs`.
 * A date in the past means "now" (0); anything unreadable means "the server did not say" (undefined).
 * A repeated header (Node's `string[]`) counts by its first value.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  nowMs: number,
): number | undefined {
  const header = (Array.isArray(value) ? value[0] : value) as string | undefined;
  const trimmed = header?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  if (DELAY_SECONDS.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  if (/^-?\d/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
