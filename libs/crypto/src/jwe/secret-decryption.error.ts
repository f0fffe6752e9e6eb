import { AppError } from '@vault-backup/errors';

/**
 * Encrypted secrets that can never be decrypted as they are: malformed JWE, unsupported or untrusted
 * header, wrong key, failed authentication (tampering), or a plaintext that breaks the contract.
 * Permanent; `reason` states which, and never carries key material or plaintext.
 */
export class SecretDecryptionError extends AppError {
  readonly code = 'SECRET_DECRYPTION_FAILED';
  readonly retriable = false;
  /** The failure catalogue's bucket (services/backup `ERROR_CLASSES`): the event can never be decrypted as it is. */
  readonly errorClass = 'secret-decryption-failed';

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`encrypted secrets cannot be decrypted: ${reason}`, options);
  }
}
