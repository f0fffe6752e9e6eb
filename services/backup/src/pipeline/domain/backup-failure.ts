import { AppError, describeError } from '@vault-backup/errors';

/**
 * Why a record could not be backed up, in a form that is safe to store, log, count and put in a
 * dead-letter header. `errorClass` is the stable, low-cardinality bucket; `code` the precise cause.
 */
export interface BackupFailure {
  readonly errorClass: string;
  readonly code: string;
  readonly message: string;
  readonly retriable: boolean;
  readonly retryAfterMs?: number;
}

interface ClassifiedError {
  readonly errorClass?: string;
  readonly cyberArkCode?: string;
  readonly retryAfterMs?: number;
}

/** Turns any error into a BackupFailure; unknown errors are bugs, never retried blindly. */
export function toBackupFailure(error: unknown): BackupFailure {
  if (error instanceof AppError) {
    const classified = error as AppError & ClassifiedError;
    return {
      errorClass: classified.errorClass ?? error.code.toLowerCase().replace(/_/g, '-'),
      code: classified.cyberArkCode ?? error.code,
      message: truncate(error.message),
      retriable: error.retriable,
      ...(classified.retryAfterMs === undefined ? {} : { retryAfterMs: classified.retryAfterMs }),
    };
  }
  return {
    errorClass: 'internal',
    code: 'INTERNAL_ERROR',
    message: truncate(describeError(error)),
    retriable: false,
  };
}

export function truncate(message: string, max = 500): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}
