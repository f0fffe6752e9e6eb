export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Full-jitter exponential backoff: attempt 1 waits up to base, then doubling, capped at max. A
 * server's Retry-After, when larger, wins.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export interface RetrySettings {
  readonly policy: BackoffPolicy;
  /** Stop after this many attempts (the last error is thrown); unbounded when absent. */
  readonly maxAttempts?: number;
  /** Checked before every wait: false gives up (resolving undefined), e.g. when the partition is lost. */
  readonly shouldContinue?: () => boolean;
  /** Told of every failure that will be retried. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The one retry loop: runs `work` until it succeeds, retrying only errors a retry can cure
 * (`isRetriable`) with full-jitter backoff. A permanent error is thrown at once, to become the
 * outcome of whatever it belongs to.
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  isRetriable: (error: unknown) => boolean,
  settings: RetrySettings,
): Promise<T | undefined> {
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isRetriable(error)) throw error;
      if (settings.maxAttempts !== undefined && attempt >= settings.maxAttempts) throw error;
      settings.onRetry?.(error, attempt);
      if (settings.shouldContinue && !settings.shouldContinue()) return undefined;
      await sleep(backoffDelay(settings.policy, attempt, retryAfterOf(error)));
      if (settings.shouldContinue && !settings.shouldContinue()) return undefined;
    }
  }
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}
