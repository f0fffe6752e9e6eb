import { type KeyObject, type webcrypto } from 'node:crypto';
import { FlattenedEncrypt } from 'jose';
import {
  type AccountSecrets,
  type FlattenedJwe,
  InvalidEventError,
  parseAccountSecrets,
  validateFlattenedJwe,
} from '@vault-backup/event-contract';

export interface SecretsEncryptionOptions {
  /** Versioned Key Vault key id the consumer will unwrap with. */
  readonly kid: string;
  /** The RSA public key of `kid` (at least 2048 bits); only the public half is ever needed to encrypt. */
  readonly publicKey: KeyObject | webcrypto.CryptoKey;
}

const FIELD = '/data/secrets';

/**
 * Encrypts account secrets into the contract's `encryptedSecrets` JWE (flattened JSON, RSA-OAEP-256 +
 * A256GCM, `kid` in the protected header), for emitting services and tests. Secrets and kid are checked
 * against the contract first, with the same InvalidEventError the consumer would report.
 */
export async function encryptSecretsJwe(
  secrets: AccountSecrets,
  options: SecretsEncryptionOptions,
): Promise<FlattenedJwe> {
  const checked = parseAccountSecrets(secrets, FIELD);
  if (!checked.ok) throw new InvalidEventError(checked.field, checked.reason);
  const plaintext = Buffer.from(JSON.stringify(canonicalSecrets(secrets)), 'utf8');
  try {
    const jwe = await new FlattenedEncrypt(plaintext)
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: options.kid })
      .encrypt(options.publicKey);
    const validated = validateFlattenedJwe(jwe, '/data/encryptedSecrets');
    if (!validated.ok) throw new InvalidEventError(validated.field, validated.reason);
    return validated.jwe;
  } finally {
    plaintext.fill(0);
  }
}

/** Known members only, nulls dropped: the plaintext carries nothing the contract does not define. */
function canonicalSecrets(secrets: AccountSecrets): AccountSecrets {
  const canonical: AccountSecrets = {};
  if (typeof secrets.password === 'string') canonical.password = secrets.password;
  if (typeof secrets.totpSecret === 'string') canonical.totpSecret = secrets.totpSecret;
  if (Array.isArray(secrets.backupCodes)) canonical.backupCodes = [...secrets.backupCodes];
  return canonical;
}
