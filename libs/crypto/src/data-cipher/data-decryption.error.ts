import { AppError } from '@vault-backup/errors';

/**
 * A stored or forwarded token that cannot be decrypted: malformed, tampered, bound to another context,
 * or encrypted with a key this process does not hold. Permanent for this process; `reason` says which.
 */
export class DataDecryptionError extends AppError {
  readonly code = 'DATA_DECRYPTION_FAILED';
  readonly retriable = false;

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`data cannot be decrypted: ${reason}`, options);
  }
}
