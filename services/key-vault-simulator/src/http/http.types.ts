/** What a handler answers; `body` is serialised as JSON, `undefined` means an empty body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
