import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, {
  type AxiosError,
  type AxiosInstance,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import axiosRetry from 'axios-retry';
import { type Secret } from '@vault-backup/config';
import { isAppError } from '@vault-backup/errors';
import { parseRetryAfter } from '@vault-backup/http-support';
import { CyberArkInvalidRequestError, CyberArkUnavailableError, isCyberArkError } from '../cyberark.errors';
import { type CyberArkClientObserver, type RequestOutcome, notify } from '../cyberark.observer';
import {
  type FailureContext,
  type ResourceKind,
  mapHttpFailure,
  mapNetworkFailure,
} from '../errors/error.mapper';
import { computeRetryDelay } from './backoff';
import { type TenantCircuitBreaker } from './circuit-breaker';
import { DEFAULT_MAX_RESPONSE_BYTES, type NetworkOptions, type RetryOptions } from './transport.options';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** Route template for metrics and messages, e.g. `Accounts/{id}`. */
  readonly route: string;
  readonly resource: ResourceKind;
  /**
   * True when sending the same request twice has the effect of sending it once. Only such requests
   * are retried here; a create must resolve its ambiguity itself.
   */
  readonly idempotent: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Already serialised; may contain revealed secrets, so it is never copied into an error. */
  readonly body?: string;
  /** Secrets present in the body, cut out of any server text quoted in an error. */
  readonly secrets?: readonly Secret<unknown>[];
}

export interface TransportResponse {
  readonly status: number;
  readonly text: string;
}

export interface HttpTransportOptions {
  readonly tenantKey: string;
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly network: NetworkOptions;
  readonly breaker: TenantCircuitBreaker;
  readonly observer?: CyberArkClientObserver;
  readonly now: () => number;
  readonly random: () => number;
  /** Agent options for TLS client certificates (CCP); ignored when `network.httpsAgent` is given. */
  readonly tls?: ConstructorParameters<typeof HttpsAgent>[0];
}

interface AttemptMeta {
  readonly route: string;
  readonly idempotent: boolean;
  readonly firstAttemptAt: number;
  startedAt?: number;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    vaultBackup?: AttemptMeta;
  }
}

const NEVER_RETRIED_NETWORK_CODES = new Set([
  'ERR_CANCELED',
  'ERR_BAD_RESPONSE',
  'ERR_BAD_REQUEST',
  'ERR_BAD_OPTION',
]);
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|UNABLE_TO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_CANCELED']);

/**
 * One tenant's HTTP pipe: an axios instance with bounded, jittered retries of idempotent requests,
 * behind the tenant's circuit breaker. Redirects are never followed. Every failure leaves as a typed
 * `CyberArkError`; axios errors never escape, because they carry the request body and headers.
 */
export class HttpTransport {
  readonly #axios: AxiosInstance;
  readonly #options: HttpTransportOptions;
  readonly #ownedAgents: (HttpAgent | HttpsAgent)[] = [];
  /** The delay chosen in `retryCondition`, so that the decision and the wait use the same number. */
  readonly #plannedDelays = new WeakMap<object, number>();

  constructor(options: HttpTransportOptions) {
    this.#options = options;
    this.#axios = axios.create({
      timeout: options.timeoutMs,
      maxRedirects: 0,
      proxy: options.network.proxy ?? false,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: (status) => status >= 200 && status < 300,
      transitional: { clarifyTimeoutError: true },
      maxContentLength: options.network.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxBodyLength: options.network.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      httpAgent: options.network.httpAgent ?? this.#own(new HttpAgent({ keepAlive: true })),
      httpsAgent:
        options.network.httpsAgent ?? this.#own(new HttpsAgent({ keepAlive: true, ...options.tls })),
      ...(options.network.lookup === undefined ? {} : { lookup: options.network.lookup }),
      headers: { Accept: 'application/json', 'User-Agent': 'vault-backup-cyberark-client' },
    });
    this.#installAttemptHooks();
    this.#installRetry();
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const operation = `${request.method} ${request.route}`;
    try {
      return await this.#options.breaker.run(() => this.#attempt(request, operation), operation);
    } catch (error) {
      if (error instanceof CyberArkUnavailableError && error.reason === 'circuit-open') {
        notify(
          this.#options.observer,
          'onRequest',
          this.#options.tenantKey,
          request.method,
          request.route,
          'circuit-open',
          0,
        );
      }
      throw error;
    }
  }

  dispose(): void {
    for (const agent of this.#ownedAgents) agent.destroy();
  }

  async #attempt(request: TransportRequest, operation: string): Promise<TransportResponse> {
    try {
      const response = await this.#axios.request<string>({
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        data: request.body,
        vaultBackup: {
          route: request.route,
          idempotent: request.idempotent,
          firstAttemptAt: this.#options.now(),
        },
      });
      return { status: response.status, text: typeof response.data === 'string' ? response.data : '' };
    } catch (error) {
      throw this.#translate(error, { operation, resource: request.resource, secrets: request.secrets });
    }
  }

  #translate(error: unknown, context: FailureContext): Error {
    if (isCyberArkError(error) || isAppError(error)) return error;
    if (!isAxiosError(error)) {
      const why = error instanceof Error ? error.message : 'unknown reason';
      return new CyberArkInvalidRequestError(`${context.operation} refused before sending: ${why}`, {
        operation: context.operation,
      });
    }
    if (error.response === undefined) return networkFailure(error, context);
    return mapHttpFailure(
      {
        status: error.response.status,
        bodyText: typeof error.response.data === 'string' ? error.response.data : undefined,
        retryAfterMs: parseRetryAfter(headerValue(error, 'retry-after'), this.#options.now()),
      },
      context,
    );
  }

  #installAttemptHooks(): void {
    const { observer, tenantKey, network, now } = this.#options;
    this.#axios.interceptors.request.use(async (config) => {
      if (config.vaultBackup) config.vaultBackup.startedAt = now();
      if (network.beforeRequest !== undefined && config.url !== undefined) {
        await network.beforeRequest({
          url: new URL(config.url),
          method: (config.method ?? 'get').toUpperCase(),
        });
      }
      return config;
    });
    const report = (config: InternalAxiosRequestConfig | undefined, outcome: RequestOutcome): void => {
      const meta = config?.vaultBackup;
      if (config === undefined || meta === undefined) return;
      const durationMs = now() - (meta.startedAt ?? now());
      notify(
        observer,
        'onRequest',
        tenantKey,
        (config.method ?? 'get').toUpperCase(),
        meta.route,
        outcome,
        durationMs,
      );
    };
    this.#axios.interceptors.response.use(
      (response) => {
        report(response.config, response.status);
        return response;
      },
      (error: unknown) => {
        if (isAxiosError(error)) report(error.config, outcomeOf(error));
        return Promise.reject(error instanceof Error ? error : new Error('request failed'));
      },
    );
  }

  #installRetry(): void {
    const { retry, observer, tenantKey } = this.#options;
    axiosRetry(this.#axios, {
      retries: retry.retries,
      shouldResetTimeout: true,
      retryCondition: (error) => this.#shouldRetry(error),
      retryDelay: (_count, error) =>
        error.config === undefined ? 0 : (this.#plannedDelays.get(error.config) ?? 0),
      onRetry: (count, error, config) => {
        const delay = this.#plannedDelays.get(config) ?? 0;
        const method = (config.method ?? 'get').toUpperCase();
        notify(
          observer,
          'onRetry',
          tenantKey,
          method,
          config.vaultBackup?.route ?? '?',
          count + 1,
          outcomeOf(error),
          delay,
        );
      },
    });
  }

  #shouldRetry(error: AxiosError): boolean {
    const config = error.config;
    const meta = config?.vaultBackup;
    if (config === undefined || meta === undefined || !meta.idempotent) return false;
    if (this.#options.breaker.state === 'open' || !isTransientAxiosError(error)) return false;
    if (mayStillLand(error)) return false;
    const { now, retry, random } = this.#options;
    const retryNumber = (config['axios-retry']?.retryCount ?? 0) + 1;
    const retryAfterMs = parseRetryAfter(headerValue(error, 'retry-after'), now());
    const delay = computeRetryDelay(retryNumber, retry, retryAfterMs, random);
    if (now() - meta.firstAttemptAt + delay > retry.maxRetryTimeMs) return false;
    this.#plannedDelays.set(config, delay);
    return true;
  }

  #own<A extends HttpAgent | HttpsAgent>(agent: A): A {
    this.#ownedAgents.push(agent);
    return agent;
  }
}

/**
 * A write abandoned without an answer (timeout, reset) may still be applied by the server later —
 * after a resend, or after a newer write of the same account. Resending it here would hide that, so
 * it surfaces as an error (see CyberArkUnavailableError.mayStillLand) for the caller to wait it out.
 */
function mayStillLand(error: AxiosError): boolean {
  const method = error.config?.method?.toUpperCase() ?? 'GET';
  if (method === 'GET' || error.response !== undefined) return false;
  const code = error.code ?? '';
  return TIMEOUT_CODES.has(code) || RESET_CODES.has(code);
}

function isTransientAxiosError(error: AxiosError): boolean {
  const status = error.response?.status;
  if (status !== undefined) return status === 429 || status >= 500;
  const code = error.code ?? '';
  return !NEVER_RETRIED_NETWORK_CODES.has(code) && !TLS_CODE.test(code);
}

function outcomeOf(error: AxiosError): RequestOutcome {
  if (error.response !== undefined) return error.response.status;
  return TIMEOUT_CODES.has(error.code ?? '') ? 'timeout' : 'network-error';
}

function networkFailure(error: AxiosError, context: FailureContext): CyberArkUnavailableError {
  const code = error.code ?? 'unknown network error';
  if (TIMEOUT_CODES.has(code)) return mapNetworkFailure('timeout', code, context);
  if (RESET_CODES.has(code)) return mapNetworkFailure('connection-reset', code, context);
  if (code === 'ERR_BAD_RESPONSE') return mapNetworkFailure('invalid-response', code, context);
  return mapNetworkFailure('connect-failed', code, context);
}

function headerValue(error: AxiosError, name: string): string | undefined {
  const value: unknown = error.response?.headers[name];
  return typeof value === 'string' ? value : undefined;
}
