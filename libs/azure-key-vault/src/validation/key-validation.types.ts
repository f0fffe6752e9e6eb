import { type KeyVaultProblem } from '../errors/key-vault-problems';
import { type KeyDescription } from '../key/key-description';

/** The checks of a key, in the order they are reported; each names one thing an admin can fix. */
export const KEY_VALIDATION_CHECKS = [
  'vault-url',
  'authentication',
  'vault-reachable',
  'key-found',
  'key-enabled',
  'key-dates',
  'key-type',
  'key-size',
  'key-operations',
  'wrap-permitted',
  'unwrap-permitted',
  'round-trip',
] as const;

export type KeyValidationCheckName = (typeof KEY_VALIDATION_CHECKS)[number];

export type KeyValidationStatus = 'passed' | 'failed' | 'skipped';

export interface KeyValidationCheck {
  readonly name: KeyValidationCheckName;
  readonly status: KeyValidationStatus;
  /** What was found; for a skipped check, which earlier check made it meaningless. */
  readonly message: string;
  /** When failed: the precise problem (the same slugs as `KeyVaultError.problem`). */
  readonly problem?: KeyVaultProblem;
  /** When failed: what the admin does about it. */
  readonly fix?: string;
  /** When failed: whether checking again later may pass without anyone changing anything. */
  readonly transient?: boolean;
}

export interface KeyValidationReport {
  /** `passed` exactly when every check passed. */
  readonly outcome: 'passed' | 'failed';
  /** ISO 8601. */
  readonly checkedAt: string;
  readonly checks: readonly KeyValidationCheck[];
  /** The current key version, whenever it could be read (also when a later check failed). */
  readonly key?: KeyDescription;
}
