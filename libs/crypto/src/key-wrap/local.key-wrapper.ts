import { type KeyObject, createCipheriv, createDecipheriv, createSecretKey, hkdfSync } from 'node:crypto';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import { type KeyRing, KEY_ID_PATTERN, assertValidKeyRing } from '../key-ring/key-ring';
import { type KeyWrapper, type WrappedKey } from './key-wrapper.port';

/** AES key wrap (RFC 3394, JOSE `A256KW`) with its default initial value. */
const KEY_WRAP = 'id-aes256-wrap';
const DEFAULT_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
/**
 * The ring's keys also encrypt data directly (LocalDataCipher, AES-GCM). Wrapping uses a key derived
 * from each instead, so that no AES key ever serves two algorithms.
 */
const KEK_INFO = Buffer.from('vault-backup/key-wrap/A256KW/v1');
const WRAPPABLE_BYTES = new Set([32, 64]);

/**
 * {@link KeyWrapper} over the key ring from configuration (`DATA_ENCRYPTION_KEYS`): AES-256 key wrap
 * under a key derived from the current ring key; every key of the ring unwraps. Rotating the ring
 * (new current key, old ones kept) and running the re-wrapper moves every share to the new key, after
 * which the old key can leave the ring — once no legacy token names it either.
 */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly keks = new Map<string, KeyObject>();

  constructor(private readonly ring: KeyRing) {
    assertValidKeyRing(ring);
  }

  get kid(): string {
    return this.ring.currentKid;
  }

  wrap(key: Uint8Array): Promise<WrappedKey> {
    if (!WRAPPABLE_BYTES.has(key.length))
      return Promise.reject(new RangeError('only 32- or 64-byte keys are wrapped'));
    const kid = this.ring.currentKid;
    const cipher = createCipheriv(KEY_WRAP, this.kek(kid), DEFAULT_IV);
    return Promise.resolve({ kid, wrapped: detached(Buffer.concat([cipher.update(key), cipher.final()])) });
  }

  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    if (!this.ring.keys.has(kid)) {
      const named = KEY_ID_PATTERN.test(kid) ? ` ${kid}` : '';
      return Promise.reject(new DataDecryptionError(`unknown wrapping key id${named}`));
    }
    try {
      const decipher = createDecipheriv(KEY_WRAP, this.kek(kid), DEFAULT_IV);
      return Promise.resolve(detached(Buffer.concat([decipher.update(wrapped), decipher.final()])));
    } catch (error) {
      return Promise.reject(
        new DataDecryptionError('wrapped key failed its integrity check (wrong key or corrupted)', {
          cause: error,
        }),
      );
    }
  }

  private kek(kid: string): KeyObject {
    let kek = this.keks.get(kid);
    if (!kek) {
      const ringKey = this.ring.keys.get(kid)?.reveal() as Uint8Array;
      kek = createSecretKey(Buffer.from(hkdfSync('sha256', ringKey, Buffer.alloc(0), KEK_INFO, 32)));
      this.keks.set(kid, kek);
    }
    return kek;
  }
}

/** A copy that owns its memory (small Buffers are slices of a shared pool); the pooled bytes are wiped. */
function detached(buffer: Buffer): Uint8Array {
  const copy = Uint8Array.from(buffer);
  buffer.fill(0);
  return copy;
}
