import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

export interface FakeAnswer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Responder = FakeAnswer | ((request: RecordedRequest) => FakeAnswer);

/**
 * The admin API in-process, answering contract-shaped JSON: each route has a queue of answers (the
 * last one repeats), and every request is recorded. An unknown route is a problem+json 404.
 */
export class FakeAdminApi {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly routes = new Map<string, Responder[]>();
  private readonly server: Server = createServer((request, response) => {
    void this.answer(request).then(({ status = 200, body, headers = {} }) => {
      const type = status >= 400 ? 'application/problem+json' : 'application/json';
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body === undefined ? '' : JSON.stringify(body));
    });
  });

  static async start(): Promise<FakeAdminApi> {
    const api = new FakeAdminApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  on(method: string, path: string, ...answers: Responder[]): this {
    this.routes.set(`${method} ${path}`, answers);
    return this;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage): Promise<FakeAnswer> {
    const url = new URL(request.url ?? '/', this.url);
    const text = await readText(request);
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text === '' ? undefined : JSON.parse(text),
      authorization: request.headers.authorization,
    };
    this.requests.push(recorded);
    const queue = this.routes.get(`${recorded.method} ${recorded.path}`);
    if (queue === undefined || queue.length === 0) {
      return problem(404, 'NOT_FOUND', 'Not found', `no route ${recorded.method} ${recorded.path}`);
    }
    const next = queue.length > 1 ? queue.shift()! : queue[0];
    return typeof next === 'function' ? next(recorded) : next;
  }
}

/** An RFC 9457 answer as the admin API writes it. */
export function problem(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): FakeAnswer {
  const slug = code.toLowerCase().replace(/_/g, '-');
  return {
    status,
    body: { type: `urn:vault-backup:problem:${slug}`, title, status, detail, code, ...extra },
    ...(typeof extra.retryAfterSeconds === 'number'
      ? { headers: { 'retry-after': String(extra.retryAfterSeconds) } }
      : {}),
  };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
