import { CliError } from '../cli/cli.errors';
import { type ApiProblem, formatProblem, problemSlug } from './api-problem';

/** A 4xx/5xx answer of the admin API; the message is its `title: detail`. */
export class ApiProblemError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: ApiProblem,
  ) {
    super(withHint(formatProblem(problem, status), status));
  }

  get slug(): string | undefined {
    return problemSlug(this.problem);
  }
}

/** No answer at all: connection refused, DNS, timeout. */
export class ApiUnreachableError extends CliError {
  constructor(baseUrl: string, cause: unknown) {
    super(
      `cannot reach the admin API at ${baseUrl}: ${reasonOf(cause)} (set --api-url or VAULT_BACKUP_API_URL)`,
    );
  }
}

function withHint(message: string, status: number): string {
  return status === 401 ? `${message}\n  run \`vault-backup login\` for a new token` : message;
}

/**
 * fetch's own reason (ECONNREFUSED, ENOTFOUND, a timeout): read by shape, since an error made in
 * another realm (a test sandbox) fails `instanceof Error`.
 */
export function reasonOf(cause: unknown): string {
  const outer = cause as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const inner = outer?.cause;
  if (typeof inner?.code === 'string') return inner.code;
  if (typeof inner?.message === 'string') return inner.message;
  return typeof outer?.message === 'string' ? outer.message : 'unknown error';
}
