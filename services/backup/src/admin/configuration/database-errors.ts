import { DependencyUnavailableError } from '@vault-backup/errors';
import { StateConflictError } from '../http/admin.errors';

/** SQLSTATE classes/codes that say "the database is unavailable or busy", not "your query is wrong". */
const UNAVAILABLE_STATES = /^(08|53|57P0|57014|40001|40P01)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** Another request changed (or created) the same configuration first. */
export class ConcurrentChangeError extends StateConflictError {
  constructor() {
    super(
      'CONCURRENT_CHANGE',
      'the vault backup was changed by another request meanwhile; reload it and try again',
    );
  }
}

/**
 * At the adapter boundary: an outage becomes a retriable DependencyUnavailableError (503); anything
 * else is left as it is, a bug to be logged (500).
 */
export function translateDatabaseError(error: unknown, what: string): unknown {
  if (error instanceof StateConflictError) return error;
  const code = databaseCode(error);
  if (code !== undefined && (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code))) {
    return new DependencyUnavailableError('postgresql', `${what} failed`, { cause: error });
  }
  if (
    error instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)
  ) {
    return new DependencyUnavailableError('postgresql', `${what} failed`, { cause: error });
  }
  return error;
}

function databaseCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}
