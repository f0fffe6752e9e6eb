import { type webcrypto } from 'node:crypto';
import { type KeyRing, assertValidKeyRing } from '../key-ring/key-ring';
import { type DataCipher } from './data-cipher.port';
import {
  assertContext,
  decryptDirJwe,
  dirJweKeyId,
  encryptDirJwe,
  importAesGcmKey,
  unknownKeyId,
} from './dir-jwe';

/**
 * {@link DataCipher} with AES-256-GCM keys from configuration. Encrypts with the ring's current key,
 * decrypts with the key the token names, so rotation is: deploy the new key as a non-current entry
 * everywhere, then make it current; keep old keys until no token uses them. Knows no scopes: it is
 * the legacy format that {@link EnvelopeDataCipher} still reads.
 */
export class LocalDataCipher implements DataCipher {
  private readonly cryptoKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(private readonly ring: KeyRing) {
    assertValidKeyRing(ring);
  }

  async encrypt(plaintext: Uint8Array | string, context: string): Promise<string> {
    assertContext(context);
    const kid = this.ring.currentKid;
    return encryptDirJwe(plaintext, context, kid, await this.cryptoKey(kid));
  }

  async decrypt(token: string, context: string): Promise<Uint8Array> {
    assertContext(context);
    const kid = dirJweKeyId(token);
    if (!this.ring.keys.has(kid)) throw unknownKeyId(kid);
    return decryptDirJwe(token, context, await this.cryptoKey(kid));
  }

  private cryptoKey(kid: string): Promise<webcrypto.CryptoKey> {
    let key = this.cryptoKeys.get(kid);
    if (!key) {
      key = importAesGcmKey(this.ring.keys.get(kid)?.reveal() as Uint8Array);
      this.cryptoKeys.set(kid, key);
    }
    return key;
  }
}
