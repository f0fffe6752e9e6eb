import { type Agent as HttpAgent } from 'node:http';
import { type Agent as HttpsAgent } from 'node:https';
import { type AxiosProxyConfig, type AxiosRequestConfig } from 'axios';

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry is started if it would end (after its delay) later than this after the first attempt began. */
  readonly maxRetryTimeMs: number;
}

export interface BreakerOptions {
  /** Failure percentage in the rolling window above which the circuit opens. */
  readonly errorThresholdPercentage: number;
  /** How long the circuit stays open before one trial call is let through (half-open). */
  readonly resetTimeoutMs: number;
  /** Calls needed in the window before the percentage is considered at all. */
  readonly volumeThreshold: number;
  readonly rollingWindowMs: number;
  readonly rollingBuckets: number;
}

/** Called before every attempt, after the URL is final: the seam for an allowlist or resolve-then-connect check. */
export type BeforeRequestHook = (request: {
  readonly url: URL;
  readonly method: string;
}) => void | Promise<void>;

export type LookupFunction = NonNullable<AxiosRequestConfig['lookup']>;

export interface NetworkOptions {
  /** DNS resolution used for every connection (e.g. one that refuses private addresses). */
  readonly lookup?: LookupFunction;
  /** Agents to use instead of the transport's own keep-alive agents (they are then not destroyed on dispose). */
  readonly httpAgent?: HttpAgent;
  readonly httpsAgent?: HttpsAgent;
  readonly beforeRequest?: BeforeRequestHook;
  /** Off by default so that `HTTPS_PROXY` in the environment cannot silently bypass `lookup`. */
  readonly proxy?: AxiosProxyConfig | false;
  readonly maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryTimeMs: 30_000,
};

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  rollingBuckets: 10,
};

/** A page of 1000 accounts is well under 5 MB; anything far larger is not an answer we want to buffer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
