export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** Upper bound of the exponential part. */
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the other half random,
 * so that many clients retrying together spread out but none retries immediately. A server-sent
 * `Retry-After` is a floor, never shortened by jitter.
 *
 * @param retry 1 for the first retry, 2 for the second, ...
 * @param random a source in [0, 1), injectable for tests
 */
export function computeRetryDelay(
  retry: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}
