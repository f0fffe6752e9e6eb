/** An RFC 9457 problem details answer of the admin API, with the extension members the CLI reads. */
export interface ApiProblem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly problems?: readonly { readonly field?: string; readonly message?: string }[];
  readonly retryAfterSeconds?: number;
  readonly activeJobId?: string;
  readonly [member: string]: unknown;
}

/** The problem's slug (`urn:vault-backup:problem:<slug>`), e.g. `replay-job-active`. */
export function problemSlug(problem: ApiProblem): string | undefined {
  return problem.type?.split(':').pop();
}

/** `title: detail`, then one line per broken field rule; never the request body. */
export function formatProblem(problem: ApiProblem, status: number): string {
  const title = problem.title ?? `HTTP ${status}`;
  const head = problem.detail === undefined ? title : `${title}: ${problem.detail}`;
  const fields = (problem.problems ?? []).map(
    (entry) => `  - ${entry.field ?? '(request)'}: ${entry.message ?? 'invalid'}`,
  );
  const retry =
    problem.retryAfterSeconds === undefined ? [] : [`  retry after ${problem.retryAfterSeconds} s`];
  return [head, ...fields, ...retry].join('\n');
}
