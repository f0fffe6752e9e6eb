import { webcrypto } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { type KeyRing, KEY_ID_PATTERN, assertValidKeyRing } from '../key-ring/key-ring';
import { type DataCipher } from './data-cipher.port';
import { DataDecryptionError } from './data-decryption.error';

const ALG = 'dir';
const ENC = 'A256GCM';
/** Marked critical so that a decryptor which does not check the context refuses the token instead of ignoring it. */
const CONTEXT_PARAMETER = 'ctx';
const CONTEXT_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;

/**
 * {@link DataCipher} with AES-256-GCM keys from configuration. Encrypts with the ring's current key,
 * decrypts with the key the token names, so rotation is: deploy the new key as a non-current entry
 * everywhere, then make it current; keep old keys until no token uses them.
 */
export class LocalDataCipher implements DataCipher {
  private readonly cryptoKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(private readonly ring: KeyRing) {
    assertValidKeyRing(ring);
  }

  async encrypt(plaintext: Uint8Array | string, context: string): Promise<string> {
    assertContext(context);
    const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
    const kid = this.ring.currentKid;
    return new CompactEncrypt(bytes)
      .setProtectedHeader({
        alg: ALG,
        enc: ENC,
        kid,
        [CONTEXT_PARAMETER]: context,
        crit: [CONTEXT_PARAMETER],
      })
      .encrypt(await this.cryptoKey(kid), { crit: { [CONTEXT_PARAMETER]: true } });
  }

  async decrypt(token: string, context: string): Promise<Uint8Array> {
    assertContext(context);
    const kid = this.keyIdOf(token);
    let result: Awaited<ReturnType<typeof compactDecrypt>>;
    try {
      result = await compactDecrypt(token, await this.cryptoKey(kid), {
        keyManagementAlgorithms: [ALG],
        contentEncryptionAlgorithms: [ENC],
        crit: { [CONTEXT_PARAMETER]: true },
      });
    } catch (error) {
      throw new DataDecryptionError('authentication failed: tampered or malformed token', { cause: error });
    }
    // Checked after authentication: before it, the header is only a claim.
    if (result.protectedHeader[CONTEXT_PARAMETER] !== context)
      throw new DataDecryptionError('token belongs to another context');
    return result.plaintext;
  }

  private keyIdOf(token: string): string {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (error) {
      throw new DataDecryptionError('malformed token', { cause: error });
    }
    if (header.alg !== ALG || header.enc !== ENC)
      throw new DataDecryptionError(`unsupported algorithm (expected ${ALG} + ${ENC})`);
    const { kid } = header;
    if (typeof kid !== 'string' || !this.ring.keys.has(kid)) {
      const named = typeof kid === 'string' && KEY_ID_PATTERN.test(kid) ? ` ${kid}` : '';
      throw new DataDecryptionError(`unknown key id${named}`);
    }
    return kid;
  }

  private cryptoKey(kid: string): Promise<webcrypto.CryptoKey> {
    let key = this.cryptoKeys.get(kid);
    if (!key) {
      key = importAesKey(this.ring.keys.get(kid)?.reveal() as Uint8Array);
      this.cryptoKeys.set(kid, key);
    }
    return key;
  }
}

function importAesKey(raw: Uint8Array): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

function assertContext(context: string): void {
  if (!CONTEXT_PATTERN.test(context))
    throw new RangeError('cipher context must be 1..128 characters of [A-Za-z0-9._:/-]');
}
