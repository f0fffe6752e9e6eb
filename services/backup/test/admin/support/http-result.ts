/** An HTTP answer as the e2e tests read it. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  readonly body: any;
}

/** The `field` of each entry of a 400's `problems`. */
export function fieldsOf(result: HttpResult): string[] {
  return ((result.body?.problems ?? []) as { field: string }[]).map((problem) => problem.field);
}

/**
 * Asserts an RFC 9457 problem answer: status, `application/problem+json`, the type named by the
 * code, `instance` = the request path, and the request id in both the body and X-Request-Id.
 */
export function expectProblem(result: HttpResult, status: number, code: string, path?: string): HttpResult {
  expectStatus(result, status);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(result.body).toMatchObject({
    type: `urn:vault-backup:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: path ?? expect.stringMatching(/^\/api\/v1\//),
    code,
    requestId: result.headers.get('x-request-id'),
  });
  expect(result.body.requestId).toBeTruthy();
  return result;
}

/** The `notices` of a setup answer, as one string. */
export function noticesOf(result: HttpResult): string {
  return ((result.body?.notices ?? []) as string[]).join(' ');
}

export function expectStatus(result: HttpResult, status: number): HttpResult {
  if (result.status !== status)
    throw new Error(`expected HTTP ${status}, got ${result.status}: ${result.text.slice(0, 500)}`);
  return result;
}
