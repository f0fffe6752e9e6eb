import { isUtf8 } from 'node:buffer';
import { createDecipheriv } from 'node:crypto';
import {
  type FlattenedJwe,
  type ProtectedAccountSecrets,
  parseAccountSecrets,
  validateFlattenedJwe,
} from '@vault-backup/event-contract';
import { type KeyUnwrapper } from './key-unwrapper.port';
import { SecretDecryptionError } from './secret-decryption.error';

const CEK_BYTES = 32;
const TAG_BYTES = 16;

export interface JweSecretsDecryptorOptions {
  /**
   * Key ids the decryptor may ask to unwrap with: exact versioned ids, or versionless prefixes such as
   * `https://<vault>.vault.azure.net/keys/<name>`. The kid comes from the event, and the unwrapper presents
   * our credential to the vault it names, so an untrusted kid is refused before any call is made.
   */
  readonly trustedKeyIds: readonly string[];
}

/**
 * Decrypts `encryptedSecrets` (RFC 7516 flattened JSON, RSA-OAEP-256 + A256GCM) without holding the private
 * key: the content-encryption key is unwrapped through a {@link KeyUnwrapper}, then AES-256-GCM runs here
 * with the AAD of RFC 7516 §5.2 step 14. Only the protected header is read: parameters in the unprotected
 * headers are not authenticated and are never honoured. Unwrapper errors pass through unchanged (they may
 * be retriable); everything else that fails is a permanent {@link SecretDecryptionError}. Give it a
 * {@link CachingKeyUnwrapper} in production: events sharing a content key then cost one vault call (the key
 * this class wipes after use is the cache's copy for this call, not the cached key).
 */
export class JweSecretsDecryptor {
  private readonly trustedKeyIds: readonly string[];

  constructor(
    private readonly unwrapper: KeyUnwrapper,
    options: JweSecretsDecryptorOptions,
  ) {
    this.trustedKeyIds = options.trustedKeyIds.map((id) => id.replace(/\/+$/, ''));
    if (this.trustedKeyIds.length === 0)
      throw new TypeError('JweSecretsDecryptor needs at least one trusted key id');
  }

  async decrypt(jwe: unknown): Promise<ProtectedAccountSecrets> {
    const checked = validateFlattenedJwe(jwe);
    if (!checked.ok) throw new SecretDecryptionError(`malformed JWE: ${checked.reason}`);
    const { kid } = checked.header;
    if (!this.isTrusted(kid)) throw new SecretDecryptionError('key id is not trusted');
    const cek = await this.unwrapper.unwrapKey(
      kid,
      'RSA-OAEP-256',
      Buffer.from(checked.jwe.encrypted_key, 'base64url'),
    );
    try {
      return parseSecrets(decryptContent(checked.jwe, cek));
    } finally {
      cek.fill(0);
    }
  }

  private isTrusted(kid: string): boolean {
    return this.trustedKeyIds.some((trusted) => kid === trusted || kid.startsWith(`${trusted}/`));
  }
}

function decryptContent(jwe: FlattenedJwe, cek: Uint8Array): Buffer {
  if (cek.length !== CEK_BYTES)
    throw new SecretDecryptionError('unwrapped content-encryption key is not 256 bits');
  const aad = jwe.aad === undefined ? jwe.protected : `${jwe.protected}.${jwe.aad}`;
  const tag = Buffer.from(jwe.tag, 'base64url');
  if (tag.length !== TAG_BYTES) throw new SecretDecryptionError('authentication tag is not 128 bits');
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, Buffer.from(jwe.iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, 'ascii'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(jwe.ciphertext, 'base64url')), decipher.final()]);
  } catch (error) {
    throw new SecretDecryptionError('authentication failed: wrong key or tampered JWE', { cause: error });
  }
}

function parseSecrets(plaintext: Buffer): ProtectedAccountSecrets {
  try {
    const parsed = parsePlaintextJson(plaintext);
    const result = parseAccountSecrets(parsed, '/plaintext');
    if (!result.ok) throw new SecretDecryptionError(`decrypted secrets break the contract: ${result.reason}`);
    return result.secrets;
  } finally {
    plaintext.fill(0);
  }
}

function parsePlaintextJson(plaintext: Buffer): unknown {
  if (!isUtf8(plaintext)) throw new SecretDecryptionError('decrypted secrets are not UTF-8');
  try {
    return JSON.parse(plaintext.toString('utf8'));
  } catch {
    // The parser's message would quote the plaintext.
    throw new SecretDecryptionError('decrypted secrets are not JSON');
  }
}
