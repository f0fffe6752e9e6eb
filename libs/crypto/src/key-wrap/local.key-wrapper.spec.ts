import { createDecipheriv, randomBytes } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import { type KeyRing } from '../key-ring/key-ring';
import { LocalKeyWrapper } from './local.key-wrapper';

const K1 = new Uint8Array(Buffer.alloc(32, 1));
const K2 = new Uint8Array(Buffer.alloc(32, 2));

function ring(currentKid: string, keys: Record<string, Uint8Array>): KeyRing {
  return { currentKid, keys: new Map(Object.entries(keys).map(([kid, key]) => [kid, new Secret(key)])) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('LocalKeyWrapper', () => {
  const wrapper = new LocalKeyWrapper(ring('k1', { k1: K1 }));

  it.each([32, 64])(
    'wraps and unwraps a %i-byte key under the current kid (A256KW: 8 bytes longer)',
    async (size) => {
      const key = new Uint8Array(randomBytes(size));
      const { kid, wrapped } = await wrapper.wrap(key);

      expect(kid).toBe('k1');
      expect(wrapper.kid).toBe('k1');
      expect(wrapped).toHaveLength(size + 8);
      expect(Buffer.from(wrapped).includes(Buffer.from(key))).toBe(false);
      expect(await wrapper.unwrap(kid, wrapped)).toEqual(key);
    },
  );

  it('refuses other sizes (a programming error)', async () => {
    expect(await rejection(wrapper.wrap(new Uint8Array(16)))).toBeInstanceOf(RangeError);
    expect(await rejection(wrapper.wrap(new Uint8Array(33)))).toBeInstanceOf(RangeError);
  });

  it('wraps with the new current key after rotation and still unwraps under the old one', async () => {
    const old = await wrapper.wrap(new Uint8Array(32).fill(7));
    const rotated = new LocalKeyWrapper(ring('k2', { k2: K2, k1: K1 }));
    const fresh = await rotated.wrap(new Uint8Array(32).fill(8));

    expect(rotated.kid).toBe('k2');
    expect(fresh.kid).toBe('k2');
    expect(await rotated.unwrap(old.kid, old.wrapped)).toEqual(new Uint8Array(32).fill(7));
    expect(await rotated.unwrap(fresh.kid, fresh.wrapped)).toEqual(new Uint8Array(32).fill(8));
  });

  it('reports an unknown kid and a tampered or misattributed value as permanent DataDecryptionErrors', async () => {
    const rotated = new LocalKeyWrapper(ring('k2', { k2: K2, k1: K1 }));
    const { wrapped } = await wrapper.wrap(new Uint8Array(32));
    const tampered = Uint8Array.from(wrapped);
    tampered[5] = (tampered[5] ?? 0) ^ 1;

    const unknown = await rejection(wrapper.unwrap('k9', wrapped));
    expect(unknown).toBeInstanceOf(DataDecryptionError);
    expect((unknown as DataDecryptionError).reason).toBe('unknown wrapping key id k9');
    expect((unknown as DataDecryptionError).retriable).toBe(false);
    expect(((await rejection(wrapper.unwrap('k1', tampered))) as DataDecryptionError).reason).toMatch(
      /integrity check/,
    );
    expect(((await rejection(rotated.unwrap('k2', wrapped))) as DataDecryptionError).reason).toMatch(
      /integrity check/,
    );
  });

  it('wraps under a key derived from the ring key, never the ring key itself (which also encrypts data)', async () => {
    const { wrapped } = await wrapper.wrap(new Uint8Array(32));
    const withRawKey = createDecipheriv('id-aes256-wrap', K1, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));

    expect(() => Buffer.concat([withRawKey.update(wrapped), withRawKey.final()])).toThrow();
  });

  it('refuses a ring without its current key', () => {
    expect(() => new LocalKeyWrapper(ring('k9', { k1: K1 }))).toThrow(ConfigurationError);
  });
});
