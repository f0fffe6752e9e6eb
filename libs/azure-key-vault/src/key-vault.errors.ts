import { AppError } from '@vault-backup/errors';
import {
  KEY_VAULT_PROBLEM_DEFINITIONS,
  type KeyVaultErrorClass,
  type KeyVaultProblem,
} from './errors/key-vault-problems';

export {
  KEY_VAULT_ERROR_CLASSES,
  KEY_VAULT_PROBLEMS,
  type KeyVaultErrorClass,
  type KeyVaultProblem,
} from './errors/key-vault-problems';

/** What the adapter was doing; a fixed vocabulary, never a URL or a key id. */
export type KeyVaultOperation =
  'get-token' | 'get-key' | 'wrap-key' | 'unwrap-key' | 'check-kid' | 'check-url' | 'connect';

/**
 * How the problem was recognised: from the vault's own error code, from its message text, or only
 * from the HTTP status. `status` is a guess that the adapter may refine by reading the key.
 */
export type KeyVaultEvidence = 'vault-code' | 'message' | 'status' | 'local';

/** Facts about a failed call that are safe to log: never a token, a secret, key material or a request body. */
export interface KeyVaultErrorFacts {
  readonly operation?: KeyVaultOperation;
  readonly status?: number;
  /** Key Vault `error.code` and `innererror.code` (`Forbidden/ForbiddenByRbac`), or an Entra `AADSTSnnnn`. */
  readonly vaultCode?: string;
  readonly retryAfterMs?: number;
  readonly evidence?: KeyVaultEvidence;
}

/**
 * Every failure of the Key Vault adapter. `problem` says precisely what is wrong, `fix` what an admin
 * (or operator) does about it, `errorClass` how the service treats it, `retriable` whether trying again
 * can help. The message carries only sanitised, truncated server text.
 */
export class KeyVaultError extends AppError {
  readonly code: string;
  readonly retriable: boolean;
  readonly errorClass: KeyVaultErrorClass;
  readonly fix: string;
  readonly operation?: KeyVaultOperation;
  readonly status?: number;
  readonly vaultCode?: string;
  /** How long the server asked us to wait (429 `Retry-After`), when it said. */
  readonly retryAfterMs?: number;
  readonly evidence: KeyVaultEvidence;

  constructor(
    readonly problem: KeyVaultProblem,
    message: string,
    facts: KeyVaultErrorFacts = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    const definition = KEY_VAULT_PROBLEM_DEFINITIONS[problem];
    this.code = definition.code;
    this.errorClass = definition.errorClass;
    this.retriable = definition.errorClass !== 'secret-decryption-failed';
    this.fix = definition.fix;
    this.operation = facts.operation;
    this.status = facts.status;
    this.vaultCode = facts.vaultCode;
    this.retryAfterMs = facts.retryAfterMs;
    this.evidence = facts.evidence ?? 'local';
  }

  override toJSON(): ReturnType<AppError['toJSON']> & {
    problem: KeyVaultProblem;
    errorClass: KeyVaultErrorClass;
    fix: string;
    operation?: KeyVaultOperation;
    status?: number;
    vaultCode?: string;
    retryAfterMs?: number;
  } {
    return {
      ...super.toJSON(),
      problem: this.problem,
      errorClass: this.errorClass,
      fix: this.fix,
      operation: this.operation,
      status: this.status,
      vaultCode: this.vaultCode,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export function isKeyVaultError(error: unknown): error is KeyVaultError {
  return error instanceof KeyVaultError;
}

/** The error class a problem belongs to, for code that reasons about problems before any error exists. */
export function errorClassOf(problem: KeyVaultProblem): KeyVaultErrorClass {
  return KEY_VAULT_PROBLEM_DEFINITIONS[problem].errorClass;
}

/** The admin-facing fix of a problem (the same text a `KeyVaultError` carries). */
export function fixFor(problem: KeyVaultProblem): string {
  return KEY_VAULT_PROBLEM_DEFINITIONS[problem].fix;
}
