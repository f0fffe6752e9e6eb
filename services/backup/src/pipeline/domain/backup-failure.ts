import { KEY_VAULT_ERROR_CLASSES } from '@vault-backup/azure-key-vault';
import { CYBERARK_ERROR_CLASSES } from '@vault-backup/cyberark';
import { AppError, describeError } from '@vault-backup/errors';

/**
 * The failure catalogue: every class a backup can fail or be parked with. Stable and low-cardinality:
 * used as a metric label, a dead-letter header and a filter in the admin API.
 */
export const ERROR_CLASSES = [
  ...CYBERARK_ERROR_CLASSES,
  /** The record is not a valid event of the contract, or breaks a rule of its workspace. */
  'invalid-event',
  /** The key that unwraps the event's secrets cannot be used. */
  'decryption-key-unavailable',
  /**
   * Azure Key Vault: `key-vault-unavailable` (throttled, failing, unreachable: waits like a CyberArk
   * outage), `key-access-revoked` (the workspace took our access away: parks within its budget),
   * `secret-decryption-failed` (the event's secrets can never be decrypted as they are).
   */
  ...KEY_VAULT_ERROR_CLASSES,
  /** Another writer holds the account, or this one's lease would expire mid-write. */
  'write-contention',
  /** The workspace's own configuration cannot be used (e.g. its stored client secret no longer decrypts). */
  'workspace-configuration',
  /** PostgreSQL or Kafka is unreachable for now. */
  'dependency-unavailable',
  /** A parked backup used up its workspace's retry budget. */
  'retry-budget-exhausted',
  /** A bug or a refusal no retry can cure; the message says what. */
  'internal',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

/**
 * Why a record could not be backed up, in a form that is safe to store, log, count and put in a
 * dead-letter header. `errorClass` is the stable bucket; `code` the precise cause.
 */
export interface BackupFailure {
  readonly errorClass: ErrorClass;
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

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'string' && (ERROR_CLASSES as readonly string[]).includes(value);
}

/** Turns any error into a BackupFailure; unknown errors are bugs, never retried blindly. */
export function toBackupFailure(error: unknown): BackupFailure {
  if (error instanceof AppError) {
    const classified = error as AppError & ClassifiedError;
    const fallback: ErrorClass = error.retriable ? 'dependency-unavailable' : 'internal';
    return {
      errorClass: isErrorClass(classified.errorClass) ? classified.errorClass : fallback,
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
