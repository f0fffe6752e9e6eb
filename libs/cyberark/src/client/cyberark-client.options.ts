import { CyberArkInvalidRequestError } from '../cyberark.errors';
import { type CyberArkClientObserver } from '../cyberark.observer';
import { DEFAULT_TOKEN_EXPIRY_POLICY, type TokenExpiryPolicy } from '../token/token-expiry';
import {
  type BreakerOptions,
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_RETRY_OPTIONS,
  DEFAULT_TIMEOUT_MS,
  type NetworkOptions,
  type RetryOptions,
} from '../transport/transport.options';

export interface CyberArkClientOptions {
  /** Per HTTP attempt. Default 10 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly breaker?: Partial<BreakerOptions>;
  readonly token?: Partial<TokenExpiryPolicy>;
  /** Accounts per page when listing a Safe; CyberArk caps it at 1000. Default 1000. */
  readonly pageSize?: number;
  /** See `AccountsApiOptions.searchMatchesNames`. Default false. */
  readonly searchMatchesNames?: boolean;
  readonly network?: NetworkOptions;
  readonly observer?: CyberArkClientObserver;
  /** Clock and randomness, injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface ResolvedClientOptions {
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly breaker: BreakerOptions;
  readonly token: TokenExpiryPolicy;
  readonly pageSize: number;
  readonly searchMatchesNames: boolean;
  readonly network: NetworkOptions;
  readonly observer?: CyberArkClientObserver;
  readonly now: () => number;
  readonly random: () => number;
}

export const MAX_PAGE_SIZE = 1000;

export function resolveClientOptions(options: CyberArkClientOptions = {}): ResolvedClientOptions {
  const resolved: ResolvedClientOptions = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
    breaker: { ...DEFAULT_BREAKER_OPTIONS, ...options.breaker },
    token: { ...DEFAULT_TOKEN_EXPIRY_POLICY, ...options.token },
    pageSize: options.pageSize ?? MAX_PAGE_SIZE,
    searchMatchesNames: options.searchMatchesNames ?? false,
    network: options.network ?? {},
    observer: options.observer,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
  assertRanges(resolved);
  return resolved;
}

/** Merges per-tenant overrides over factory defaults, one level deep. */
export function mergeClientOptions(
  base: CyberArkClientOptions,
  override: CyberArkClientOptions = {},
): CyberArkClientOptions {
  return {
    ...base,
    ...override,
    retry: { ...base.retry, ...override.retry },
    breaker: { ...base.breaker, ...override.breaker },
    token: { ...base.token, ...override.token },
    network: { ...base.network, ...override.network },
  };
}

function assertRanges(options: ResolvedClientOptions): void {
  const problems = [
    check(options.timeoutMs > 0, 'timeoutMs must be positive'),
    check(
      Number.isInteger(options.retry.retries) && options.retry.retries >= 0,
      'retry.retries must be an integer >= 0',
    ),
    check(
      options.retry.baseDelayMs >= 0 && options.retry.maxDelayMs >= options.retry.baseDelayMs,
      'retry delays are inconsistent',
    ),
    check(options.retry.maxRetryTimeMs >= 0, 'retry.maxRetryTimeMs must be >= 0'),
    check(
      options.breaker.errorThresholdPercentage > 0 && options.breaker.errorThresholdPercentage <= 100,
      'breaker.errorThresholdPercentage must be in (0, 100]',
    ),
    check(options.breaker.resetTimeoutMs > 0, 'breaker.resetTimeoutMs must be positive'),
    check(
      options.breaker.rollingWindowMs > 0 && options.breaker.rollingBuckets > 0,
      'breaker rolling window must be positive',
    ),
    check(
      Number.isInteger(options.pageSize) && options.pageSize >= 1 && options.pageSize <= MAX_PAGE_SIZE,
      `pageSize must be 1..${MAX_PAGE_SIZE}`,
    ),
    check(options.token.skewRatio >= 0 && options.token.skewRatio < 1, 'token.skewRatio must be in [0, 1)'),
    check(options.token.fallbackLifetimeMs > 0, 'token.fallbackLifetimeMs must be positive'),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0)
    throw new CyberArkInvalidRequestError(`invalid CyberArk client options: ${problems.join('; ')}`);
}

function check(ok: boolean, problem: string): string | undefined {
  return ok ? undefined : problem;
}
