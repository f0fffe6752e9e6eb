import { parseRetryAfter } from '@vault-backup/http-support';
import { type CliRuntime } from '../cli/cli-runtime';
import { ApiProblemError, ApiUnreachableError } from './admin-api.errors';
import { type ApiProblem } from './api-problem';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AdminApiOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly runtime: Pick<CliRuntime, 'fetch' | 'sleep' | 'now'>;
  /** Retries of a 429/503 answer; the API says when to come back in `Retry-After`. */
  readonly maxRetries?: number;
  /** Longest single wait, so a huge Retry-After does not hang a terminal. */
  readonly maxRetryDelayMs?: number;
  readonly requestTimeoutMs?: number;
}

const RETRIABLE = new Set([429, 503]);
const DEFAULT_RETRY_DELAY_MS = 1_000;

/** The admin API over HTTP: bearer token, JSON in and out, problem+json errors as ApiProblemError. */
export class AdminApiClient {
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: AdminApiOptions) {
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.send<T>('GET', path, query);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, {}, body);
  }

  /** 429 and 503 mean the request was not acted on, so a retry is safe even for a POST. */
  private async send<T>(method: string, path: string, query: Query, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.fetchOnce(method, this.urlOf(path, query), body);
      if (response.ok) return (await readJson(response)) as T;
      if (!RETRIABLE.has(response.status) || attempt >= this.maxRetries) {
        throw new ApiProblemError(response.status, await readProblem(response));
      }
      await response.body?.cancel();
      await this.options.runtime.sleep(this.retryDelay(response));
    }
  }

  private async fetchOnce(method: string, url: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      authorization: `Bearer ${this.options.token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.options.runtime.fetch(url, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error: unknown) {
      throw new ApiUnreachableError(this.options.baseUrl, error);
    }
  }

  private retryDelay(response: Response): number {
    const asked = parseRetryAfter(
      response.headers.get('retry-after') ?? undefined,
      this.options.runtime.now(),
    );
    return Math.min(asked ?? DEFAULT_RETRY_DELAY_MS, this.maxRetryDelayMs);
  }

  private urlOf(path: string, query: Query): string {
    const url = new URL(
      path,
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** The problem body, or a bare one naming the status when the answer is not problem+json. */
async function readProblem(response: Response): Promise<ApiProblem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return parsed as ApiProblem;
  } catch {
    // not JSON (a proxy's HTML page): the status line is all we can say
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
}
