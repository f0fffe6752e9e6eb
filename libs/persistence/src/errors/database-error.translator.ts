import { AppError, DependencyUnavailableError } from '@vault-backup/errors';

/**
 * SQLSTATE classes and codes that mean "the database is unavailable, busy or lost the race", not
 * "this statement is wrong": connection exceptions (08), insufficient resources (53), operator
 * intervention (57P0x, 57014 query cancelled), serialization failure (40001), deadlock (40P01) and
 * lock not available (55P03).
 */
const UNAVAILABLE_STATES = /^(08|53|57P0|57014|40001|40P01|55P03)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const DRIVER_UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|pool is probably full|Cannot use a pool after calling end/i;

/** PostgreSQL refused a statement for a reason a retry cannot cure (constraint, data, syntax): a bug or bad data. */
export class DatabaseRejectedError extends AppError {
  readonly code = 'DATABASE_REJECTED';
  readonly retriable = false;
  readonly errorClass = 'internal';

  constructor(
    readonly sqlState: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The one translator of database errors, used by every store: an outage becomes a retriable
 * DependencyUnavailableError, anything else a permanent DatabaseRejectedError that names the
 * SQLSTATE. Errors that are already ours pass through unchanged.
 */
export function translateDatabaseError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const code = databaseCode(error);
  if (code !== undefined && (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code))) {
    return new DependencyUnavailableError('postgresql', `${what} failed (${code})`, { cause: error });
  }
  if (error instanceof Error && DRIVER_UNAVAILABLE_TEXT.test(error.message)) {
    return new DependencyUnavailableError('postgresql', `${what} failed`, { cause: error });
  }
  const state = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return new DatabaseRejectedError(
    state,
    `postgresql: ${what} was rejected${state ? ` (SQLSTATE ${state})` : ''}`,
    {
      cause: error,
    },
  );
}

function databaseCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}
