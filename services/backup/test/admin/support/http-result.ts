/** An HTTP answer as the e2e tests read it. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  readonly body: any;
}

/** The `field` of each entry of a 400's `errors`. */
export function fieldsOf(result: HttpResult): string[] {
  return ((result.body?.errors ?? []) as { field: string }[]).map((error) => error.field);
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
