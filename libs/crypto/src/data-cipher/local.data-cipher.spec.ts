import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { type KeyRing } from '../key-ring/key-ring';
import { DataDecryptionError } from './data-decryption.error';
import { LocalDataCipher } from './local.data-cipher';

const K1 = new Uint8Array(Buffer.alloc(32, 1));
const K2 = new Uint8Array(Buffer.alloc(32, 2));

function ring(currentKid: string, keys: Record<string, Uint8Array>): KeyRing {
  return { currentKid, keys: new Map(Object.entries(keys).map(([kid, key]) => [kid, new Secret(key)])) };
}

async function failure(promise: Promise<unknown>): Promise<DataDecryptionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DataDecryptionError))
    throw new Error(`expected DataDecryptionError, got ${String(error)}`);
  return error;
}

function replaceSegment(token: string, index: number, replace: (segment: string) => string): string {
  const parts = token.split('.');
  parts[index] = replace(parts[index] ?? '');
  return parts.join('.');
}

function flipFirstByte(segment: string): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('LocalDataCipher', () => {
  const cipher = new LocalDataCipher(ring('k1', { k1: K1 }));

  it('round-trips strings and bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);

    expect(
      Buffer.from(
        await cipher.decrypt(await cipher.encrypt('client secret ✓', 'client-secret'), 'client-secret'),
      ).toString(),
    ).toBe('client secret ✓');
    expect(await cipher.decrypt(await cipher.encrypt(bytes, 'pending-backup'), 'pending-backup')).toEqual(
      bytes,
    );
    expect(await cipher.decrypt(await cipher.encrypt('', 'x'), 'x')).toEqual(new Uint8Array(0));
  });

  it('emits a compact JWE naming dir + A256GCM, the current kid and the context (marked critical)', async () => {
    const token = await cipher.encrypt('value', 'pending-backup');

    expect(token.split('.')).toHaveLength(5);
    expect(token.split('.')[1]).toBe('');
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      kid: 'k1',
      ctx: 'pending-backup',
      crit: ['ctx'],
    });
    expect(token).not.toContain('value');
  });

  it('encrypts the same plaintext differently each time', async () => {
    expect(await cipher.encrypt('value', 'c')).not.toBe(await cipher.encrypt('value', 'c'));
  });

  it('refuses to decrypt into another context', async () => {
    const token = await cipher.encrypt('value', 'pending-backup');

    expect((await failure(cipher.decrypt(token, 'dlq-value'))).reason).toBe(
      'token belongs to another context',
    );
  });

  it('cannot be fooled by rewriting the context in the header', async () => {
    const token = await cipher.encrypt('value', 'pending-backup');
    const forged = replaceSegment(token, 0, (segment) => {
      const header = JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
      return Buffer.from(JSON.stringify({ ...header, ctx: 'dlq-value' })).toString('base64url');
    });

    expect((await failure(cipher.decrypt(forged, 'dlq-value'))).reason).toMatch(/^authentication failed/);
  });

  it.each([
    ['ciphertext', 3],
    ['tag', 4],
    ['iv', 2],
  ])('rejects a token with a modified %s', async (_case, index) => {
    const token = await cipher.encrypt('value', 'c');

    expect((await failure(cipher.decrypt(replaceSegment(token, index, flipFirstByte), 'c'))).reason).toMatch(
      /^authentication failed/,
    );
  });

  it.each(['', 'garbage', 'a.b.c.d.e', `${Buffer.from('{"alg":"dir"').toString('base64url')}.x.y.z.w`])(
    'rejects the malformed token %j with DataDecryptionError',
    async (token) => {
      await failure(cipher.decrypt(token, 'c'));
    },
  );

  it('rejects another algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'A256KW', enc: 'A256GCM', kid: 'k1' })).toString(
      'base64url',
    );

    expect((await failure(cipher.decrypt(`${header}.a.b.c.d`, 'c'))).reason).toBe(
      'unsupported algorithm (expected dir + A256GCM)',
    );
  });

  describe('rotation', () => {
    it('encrypts with the new current key and still decrypts tokens of the old one', async () => {
      const before = await cipher.encrypt('old', 'c');
      const rotated = new LocalDataCipher(ring('k2', { k2: K2, k1: K1 }));
      const after = await rotated.encrypt('new', 'c');

      expect(decodeProtectedHeader(after).kid).toBe('k2');
      expect(Buffer.from(await rotated.decrypt(before, 'c')).toString()).toBe('old');
      expect(Buffer.from(await rotated.decrypt(after, 'c')).toString()).toBe('new');
    });

    it('reports a token whose key is no longer in the ring', async () => {
      const token = await new LocalDataCipher(ring('k2', { k2: K2 })).encrypt('x', 'c');

      expect((await failure(cipher.decrypt(token, 'c'))).reason).toBe('unknown key id k2');
    });

    it('does not echo an odd key id', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'x\n<script>' })).toString(
        'base64url',
      );

      expect((await failure(cipher.decrypt(`${header}..a.b.c`, 'c'))).reason).toBe('unknown key id');
    });

    it('refuses a ring without its current key or with a short key', () => {
      expect(() => new LocalDataCipher(ring('k9', { k1: K1 }))).toThrow(ConfigurationError);
      expect(() => new LocalDataCipher(ring('k1', { k1: new Uint8Array(16) }))).toThrow(ConfigurationError);
    });
  });

  describe('standards', () => {
    it('is a standard JWE: jose decrypts it with the raw key when it understands ctx', async () => {
      const token = await cipher.encrypt('value', 'c');
      const { plaintext } = await compactDecrypt(token, K1, { crit: { ctx: true } });

      expect(Buffer.from(plaintext).toString()).toBe('value');
    });

    it('is refused by a decryptor that does not understand the context parameter', async () => {
      await expect(compactDecrypt(await cipher.encrypt('value', 'c'), K1)).rejects.toThrow(/ctx/);
    });
  });

  it.each(['', 'has space', 'x'.repeat(129)])(
    'rejects the invalid context %j on both sides',
    async (context) => {
      await expect(cipher.encrypt('value', context)).rejects.toThrow(RangeError);
      await expect(cipher.decrypt('a.b.c.d.e', context)).rejects.toThrow(RangeError);
    },
  );
});
