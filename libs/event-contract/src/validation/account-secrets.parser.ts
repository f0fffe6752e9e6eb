import { Secret } from '@vault-backup/config';
import { type AccountSecrets, type ProtectedAccountSecrets } from '../contract/account-event.types';
import { accountEventValidators } from './account-event.schemas';
import { describeViolation, type SchemaViolation } from './schema-violation';

export type AccountSecretsParse =
  | { readonly ok: true; readonly secrets: ProtectedAccountSecrets }
  | ({ readonly ok: false } & SchemaViolation);

/**
 * Validates an untrusted secrets object (e.g. decrypted JWE plaintext) against the contract and
 * wraps its values. Unknown members are dropped; null members count as absent.
 */
export function parseAccountSecrets(value: unknown, basePointer = ''): AccountSecretsParse {
  const { secrets } = accountEventValidators();
  if (!secrets(value)) return { ok: false, ...describeViolation(secrets.errors, basePointer) };
  return { ok: true, secrets: protectAccountSecrets(value) };
}

/** Wraps already-validated secrets; the result holds no reference to the caller's arrays. */
export function protectAccountSecrets(secrets: AccountSecrets): ProtectedAccountSecrets {
  const result: { -readonly [K in keyof ProtectedAccountSecrets]: ProtectedAccountSecrets[K] } = {};
  if (typeof secrets.password === 'string') result.password = new Secret(secrets.password);
  if (typeof secrets.totpSecret === 'string') result.totpSecret = new Secret(secrets.totpSecret);
  if (Array.isArray(secrets.backupCodes))
    result.backupCodes = new Secret(Object.freeze([...secrets.backupCodes]));
  return result;
}
