import { DependencyUnavailableError } from '@vault-backup/errors';
import { SecretDecryptionError } from './secret-decryption.error';
import { KID, TRUSTED_KEY } from '../../test/rsa-keys.fixture';
import {
  CachingKeyUnwrapper,
  type CachingKeyUnwrapperOptions,
  DEFAULT_UNWRAP_CACHE_TTL_MS,
  type KeyUnwrapCacheEvent,
} from './caching.key-unwrapper';
import { type KeyUnwrapper, type KeyWrapAlgorithm } from './key-unwrapper.port';

const ALG = 'RSA-OAEP-256';
const OTHER_VERSION_KID = `${TRUSTED_KEY}/${'a'.repeat(32)}`;
const OTHER_KEY_KID = `${TRUSTED_KEY}-2/${'b'.repeat(32)}`;

/** A fake vault: each call returns a fresh 32-byte key derived from the wrapped bytes, and keeps it. */
class FakeUnwrapper implements KeyUnwrapper {
  readonly returned: Uint8Array[] = [];
  readonly calls = jest.fn<void, [string, KeyWrapAlgorithm, Uint8Array]>();
  failNext: Error | undefined;

  unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array> {
    this.calls(kid, algorithm, wrappedKey);
    if (this.failNext !== undefined) {
      const failure = this.failNext;
      this.failNext = undefined;
      return Promise.reject(failure);
    }
    const key = new Uint8Array(32).fill(wrappedKey[0] ?? 0);
    this.returned.push(key);
    return Promise.resolve(key);
  }
}

function wrapped(byte: number): Uint8Array {
  return new Uint8Array(512).fill(byte);
}

function isWiped(key: Uint8Array | undefined): boolean {
  return key !== undefined && key.every((byte) => byte === 0);
}

let inner: FakeUnwrapper;
let clock: number;
let events: KeyUnwrapCacheEvent[];

beforeEach(() => {
  inner = new FakeUnwrapper();
  // lru-cache reads a start time of 0 as "no time to live", so the test clock starts well above it.
  clock = 1_000_000;
  events = [];
});

function caching(options: CachingKeyUnwrapperOptions = {}): CachingKeyUnwrapper {
  return new CachingKeyUnwrapper(inner, {
    now: () => clock,
    onEvent: (event) => events.push(event),
    ...options,
  });
}

describe('CachingKeyUnwrapper', () => {
  describe('reuse', () => {
    it('calls the inner unwrapper once per wrapped key, then serves the cache', async () => {
      const unwrapper = caching();

      const first = await unwrapper.unwrapKey(KID, ALG, wrapped(7));
      const second = await unwrapper.unwrapKey(KID, ALG, wrapped(7));

      expect(first).toEqual(new Uint8Array(32).fill(7));
      expect(second).toEqual(first);
      expect(inner.calls).toHaveBeenCalledTimes(1);
      expect(inner.calls).toHaveBeenCalledWith(KID, ALG, wrapped(7));
      expect(unwrapper.stats()).toMatchObject({ hits: 1, misses: 1, innerCalls: 1, coalesced: 0, size: 1 });
      expect(events).toEqual(['inner-call', 'hit']);
    });

    it('returns a copy every time, so a caller wiping its key does not wipe the cache', async () => {
      const unwrapper = caching();
      const first = await unwrapper.unwrapKey(KID, ALG, wrapped(7));
      first.fill(0);

      const second = await unwrapper.unwrapKey(KID, ALG, wrapped(7));

      expect(second).toEqual(new Uint8Array(32).fill(7));
      expect(second).not.toBe(first);
      expect(second).not.toBe(inner.returned[0]);
    });

    it('keeps keys apart by kid and by wrapped key', async () => {
      const unwrapper = caching();

      await unwrapper.unwrapKey(KID, ALG, wrapped(7));
      await unwrapper.unwrapKey(OTHER_VERSION_KID, ALG, wrapped(7));
      await unwrapper.unwrapKey(KID, ALG, wrapped(8));
      await unwrapper.unwrapKey(KID, ALG, Uint8Array.from([...wrapped(7).subarray(1), 0]));

      expect(inner.calls).toHaveBeenCalledTimes(4);
      expect(unwrapper.stats().size).toBe(4);
    });
  });

  describe('single flight', () => {
    it('makes exactly one inner call for 1,000 concurrent requests of one key, each with its own copy', async () => {
      const unwrapper = caching();

      const keys = await Promise.all(
        Array.from({ length: 1000 }, () => unwrapper.unwrapKey(KID, ALG, wrapped(9))),
      );

      expect(inner.calls).toHaveBeenCalledTimes(1);
      expect(new Set(keys).size).toBe(1000);
      for (const key of keys) expect(key).toEqual(new Uint8Array(32).fill(9));
      expect(unwrapper.stats()).toMatchObject({ innerCalls: 1, coalesced: 999, misses: 1000, hits: 0 });
    });

    it('gives every waiter the failure, caches nothing, and lets the next request retry', async () => {
      const unwrapper = caching();
      const throttled = new DependencyUnavailableError('azure-key-vault', 'throttled (429)');
      inner.failNext = throttled;

      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => unwrapper.unwrapKey(KID, ALG, wrapped(9))),
      );

      expect(results.every((result) => result.status === 'rejected' && result.reason === throttled)).toBe(
        true,
      );
      expect(unwrapper.stats()).toMatchObject({ innerCalls: 1, innerFailures: 1, size: 0 });
      await expect(unwrapper.unwrapKey(KID, ALG, wrapped(9))).resolves.toEqual(new Uint8Array(32).fill(9));
      expect(inner.calls).toHaveBeenCalledTimes(2);
    });

    it('answers a permanent refusal again from memory for a short time, so a repeated bogus record costs one call', async () => {
      const unwrapper = caching({ refusalTtlMs: 60_000 });
      const refused = new SecretDecryptionError('key unwrap failed: wrong key or corrupted encrypted_key');
      inner.failNext = refused;

      await expect(unwrapper.unwrapKey(KID, ALG, wrapped(7))).rejects.toBe(refused);
      for (let attempt = 0; attempt < 5; attempt += 1)
        await expect(unwrapper.unwrapKey(KID, ALG, wrapped(7))).rejects.toBe(refused);

      expect(inner.calls).toHaveBeenCalledTimes(1);
      expect(unwrapper.stats()).toMatchObject({ innerCalls: 1, refusedAgain: 5 });
      clock += 60_001;
      await expect(unwrapper.unwrapKey(KID, ALG, wrapped(7))).resolves.toHaveLength(32);
      expect(inner.calls).toHaveBeenCalledTimes(2);
    });

    it('turns an inner unwrapper that throws synchronously into a rejection, and does not get stuck', async () => {
      const failure = new Error('synchronous');
      let fail = true;
      const unwrapper = new CachingKeyUnwrapper({
        unwrapKey: () => {
          if (fail) throw failure;
          return Promise.resolve(new Uint8Array(32));
        },
      });

      await expect(unwrapper.unwrapKey(KID, ALG, wrapped(1))).rejects.toBe(failure);
      fail = false;
      await expect(unwrapper.unwrapKey(KID, ALG, wrapped(1))).resolves.toHaveLength(32);
    });
  });

  describe('bounds', () => {
    it('reuses a key until its time to live, counted from the unwrap and not refreshed by use', async () => {
      const unwrapper = caching();
      await unwrapper.unwrapKey(KID, ALG, wrapped(3));

      clock += DEFAULT_UNWRAP_CACHE_TTL_MS - 1;
      await unwrapper.unwrapKey(KID, ALG, wrapped(3));
      expect(inner.calls).toHaveBeenCalledTimes(1);

      clock += 2;
      await unwrapper.unwrapKey(KID, ALG, wrapped(3));
      expect(inner.calls).toHaveBeenCalledTimes(2);
      expect(isWiped(inner.returned[0])).toBe(true);
      expect(unwrapper.stats().expirations).toBe(1);
      expect(events).toEqual(['inner-call', 'hit', 'expired', 'inner-call']);
    });

    it('holds at most maxEntries keys, wiping the least recently used', async () => {
      const unwrapper = caching({ maxEntries: 2 });

      await unwrapper.unwrapKey(KID, ALG, wrapped(1));
      await unwrapper.unwrapKey(KID, ALG, wrapped(2));
      await unwrapper.unwrapKey(KID, ALG, wrapped(1));
      await unwrapper.unwrapKey(KID, ALG, wrapped(3));

      expect(isWiped(inner.returned[1])).toBe(true);
      expect(isWiped(inner.returned[0])).toBe(false);
      expect(unwrapper.stats()).toMatchObject({ size: 2, evictions: 1 });
    });

    it('ignores an observer that throws', async () => {
      const unwrapper = caching({
        onEvent: () => {
          throw new Error('broken metrics');
        },
        maxEntries: 1,
      });

      await unwrapper.unwrapKey(KID, ALG, wrapped(1));
      await unwrapper.unwrapKey(KID, ALG, wrapped(2));

      expect(await unwrapper.unwrapKey(KID, ALG, wrapped(2))).toEqual(new Uint8Array(32).fill(2));
      expect(unwrapper.stats()).toMatchObject({ innerCalls: 2, hits: 1, evictions: 1 });
    });

    it.each<[keyof CachingKeyUnwrapperOptions, number]>([
      ['maxEntries', 0],
      ['ttlMs', -1],
      ['ttlMs', 1.5],
    ])('refuses %s = %d', (option, value) => {
      expect(() => new CachingKeyUnwrapper(inner, { [option]: value })).toThrow(RangeError);
    });
  });

  describe('forget', () => {
    it('drops and wipes the keys of a key, a key version or a vault, and nothing that only looks alike', async () => {
      const unwrapper = caching();
      await unwrapper.unwrapKey(KID, ALG, wrapped(1));
      await unwrapper.unwrapKey(OTHER_VERSION_KID, ALG, wrapped(2));
      await unwrapper.unwrapKey(OTHER_KEY_KID, ALG, wrapped(3));

      expect(unwrapper.forget(`${TRUSTED_KEY}/`)).toBe(2);
      expect(isWiped(inner.returned[0])).toBe(true);
      expect(isWiped(inner.returned[1])).toBe(true);
      expect(isWiped(inner.returned[2])).toBe(false);
      expect(unwrapper.stats()).toMatchObject({ size: 1, forgotten: 2 });

      expect(unwrapper.forget(OTHER_KEY_KID)).toBe(1);
      await unwrapper.unwrapKey(OTHER_KEY_KID, ALG, wrapped(3));
      expect(inner.calls).toHaveBeenCalledTimes(4);
      expect(unwrapper.forget('https://example-backup-kv.vault.azure.net')).toBe(1);
    });

    it('does not cache an unwrap that was in flight for a forgotten key, but still answers it', async () => {
      const unwrapper = caching();

      const pending = unwrapper.unwrapKey(KID, ALG, wrapped(4));
      unwrapper.forget(TRUSTED_KEY);

      await expect(pending).resolves.toEqual(new Uint8Array(32).fill(4));
      expect(unwrapper.stats().size).toBe(0);
      expect(isWiped(inner.returned[0])).toBe(true);
    });

    it('refuses an empty prefix (clear() drops everything)', () => {
      expect(() => caching().forget('/')).toThrow(TypeError);
    });

    it('clear() wipes every key', async () => {
      const unwrapper = caching();
      await unwrapper.unwrapKey(KID, ALG, wrapped(1));
      await unwrapper.unwrapKey(OTHER_KEY_KID, ALG, wrapped(2));

      unwrapper.clear();

      expect(inner.returned.every(isWiped)).toBe(true);
      expect(unwrapper.stats()).toMatchObject({ size: 0, forgotten: 2 });
    });
  });
});
