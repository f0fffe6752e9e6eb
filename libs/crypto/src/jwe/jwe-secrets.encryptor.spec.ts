import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flattenedDecrypt } from 'jose';
import { type FlattenedJwe, InvalidEventError, validateFlattenedJwe } from '@vault-backup/event-contract';
import { KID, TRUSTED_KEY, type RsaKeyPair, rsaKeyPair } from '../../test/rsa-keys.fixture';
import { DEFAULT_UNWRAP_CACHE_MAX_ENTRIES, DEFAULT_UNWRAP_CACHE_TTL_MS } from './caching.key-unwrapper';
import {
  DEFAULT_CONTENT_KEY_TTL_MS,
  DEFAULT_MESSAGES_PER_CONTENT_KEY,
  JweSecretsEncryptor,
  type JweSecretsEncryptorOptions,
  MAX_MESSAGES_PER_CONTENT_KEY,
  encryptSecretsJwe,
} from './jwe-secrets.encryptor';
import { ContentKeySession } from './content-key.session';
import { LocalRsaKeyUnwrapper } from './local-rsa.key-unwrapper';

const OTHER_KID = `${TRUSTED_KEY}/${'a'.repeat(32)}`;

let keys: RsaKeyPair;
let otherKeys: RsaKeyPair;

beforeAll(() => {
  keys = rsaKeyPair();
  otherKeys = rsaKeyPair();
});

async function joseDecrypt(jwe: FlattenedJwe, privateKey = keys.privateKey): Promise<unknown> {
  const { plaintext, protectedHeader } = await flattenedDecrypt(jwe, privateKey);
  return { header: protectedHeader, secrets: JSON.parse(Buffer.from(plaintext).toString('utf8')) };
}

/** The content key itself, recovered with the private key: the only way to tell two keys apart. */
async function contentKeyOf(jwe: FlattenedJwe, kid = KID, privateKey = keys.privateKey): Promise<string> {
  const cek = await new LocalRsaKeyUnwrapper({ [kid]: privateKey }).unwrapKey(
    kid,
    'RSA-OAEP-256',
    Buffer.from(jwe.encrypted_key, 'base64url'),
  );
  return Buffer.from(cek).toString('hex');
}

describe('encryptSecretsJwe', () => {
  it('produces a contract-valid JWE that any JOSE library decrypts to the canonical secrets', async () => {
    const jwe = await encryptSecretsJwe(
      { password: 'pw', totpSecret: null, backupCodes: ['a'] },
      { kid: KID, publicKey: keys.publicKey },
    );

    expect(validateFlattenedJwe(jwe).ok).toBe(true);
    expect(await joseDecrypt(jwe)).toEqual({
      header: { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KID },
      secrets: { password: 'pw', backupCodes: ['a'] },
    });
  });

  it('uses a fresh content key and iv every time', async () => {
    const first = await encryptSecretsJwe({ password: 'pw' }, { kid: KID, publicKey: keys.publicKey });
    const second = await encryptSecretsJwe({ password: 'pw' }, { kid: KID, publicKey: keys.publicKey });

    expect(second.iv).not.toBe(first.iv);
    expect(second.encrypted_key).not.toBe(first.encrypted_key);
  });

  it('rejects secrets that break the contract, without quoting them', async () => {
    const attempt = encryptSecretsJwe(
      { password: `MARKER${'x'.repeat(5000)}` },
      { kid: KID, publicKey: keys.publicKey },
    );

    await expect(attempt).rejects.toThrow(InvalidEventError);
    await expect(attempt).rejects.toMatchObject({
      field: '/data/secrets/password',
      message: expect.not.stringContaining('MARKER'),
    });
  });

  it('rejects a kid the contract does not allow', async () => {
    const attempt = encryptSecretsJwe({ password: 'pw' }, { kid: 'my-key', publicKey: keys.publicKey });

    await expect(attempt).rejects.toMatchObject({ field: '/data/encryptedSecrets/protected' });
  });
});

describe('JweSecretsEncryptor', () => {
  let clock: number;

  beforeEach(() => {
    clock = 1_000_000;
  });

  function encryptor(options: JweSecretsEncryptorOptions = {}): JweSecretsEncryptor {
    return new JweSecretsEncryptor({ now: () => clock, ...options });
  }

  function sealMany(
    sealer: JweSecretsEncryptor,
    count: number,
    kid = KID,
    publicKey = keys.publicKey,
  ): Promise<FlattenedJwe[]> {
    return Promise.all(
      Array.from({ length: count }, (_, index) =>
        sealer.encrypt({ password: `pw-${index}` }, { kid, publicKey }),
      ),
    );
  }

  describe('interoperability', () => {
    it('produces the contract profile: protected {alg, enc, kid} only, no aad, no unprotected header', async () => {
      const [jwe] = await sealMany(encryptor(), 1);

      expect(Object.keys(jwe).sort()).toEqual(['ciphertext', 'encrypted_key', 'iv', 'protected', 'tag']);
      expect(JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8'))).toEqual({
        alg: 'RSA-OAEP-256',
        enc: 'A256GCM',
        kid: KID,
      });
      expect(validateFlattenedJwe(jwe).ok).toBe(true);
    });

    it('produces JWEs that jose flattenedDecrypt decrypts, every one, across a content-key rotation', async () => {
      const jwes = await sealMany(encryptor({ maxMessagesPerKey: 100 }), 250);

      for (const [index, jwe] of jwes.entries())
        expect(await joseDecrypt(jwe)).toEqual({
          header: { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KID },
          secrets: { password: `pw-${index}` },
        });
      expect(new Set(jwes.map((jwe) => jwe.encrypted_key)).size).toBe(3);
    });

    it('accepts a WebCrypto public key', async () => {
      const cryptoKey = keys.publicKey.toCryptoKey({ name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']);

      const jwe = await encryptor().encrypt({ password: 'pw' }, { kid: KID, publicKey: cryptoKey });

      expect(await joseDecrypt(jwe)).toMatchObject({ secrets: { password: 'pw' } });
    });
  });

  describe('content-key reuse', () => {
    it('shares one wrapped content key across messages, with a unique iv for each of 10,000', async () => {
      const jwes = await sealMany(encryptor(), 10_000);

      expect(new Set(jwes.map((jwe) => jwe.encrypted_key)).size).toBe(1);
      expect(new Set(jwes.map((jwe) => jwe.iv)).size).toBe(10_000);
      expect(Buffer.from(jwes[0].iv, 'base64url')).toHaveLength(12);
    });

    it('makes a new content key after maxMessagesPerKey messages', async () => {
      const jwes = await sealMany(encryptor({ maxMessagesPerKey: 3 }), 7);
      const wrapped = jwes.map((jwe) => jwe.encrypted_key);

      expect(new Set(wrapped.slice(0, 3)).size).toBe(1);
      expect(new Set(wrapped.slice(3, 6)).size).toBe(1);
      expect(new Set([wrapped[0], wrapped[3], wrapped[6]]).size).toBe(3);
      expect(new Set(await Promise.all(jwes.map((jwe) => contentKeyOf(jwe)))).size).toBe(3);
    });

    it('makes a new content key once keyTtlMs has passed since the key was made, however busy', async () => {
      const sealer = encryptor();
      const [first] = await sealMany(sealer, 1);

      clock += DEFAULT_CONTENT_KEY_TTL_MS;
      const [stillFirst] = await sealMany(sealer, 1);
      clock += 1;
      const [second] = await sealMany(sealer, 1);

      expect(stillFirst.encrypted_key).toBe(first.encrypted_key);
      expect(second.encrypted_key).not.toBe(first.encrypted_key);
      expect(await contentKeyOf(second)).not.toBe(await contentKeyOf(first));
    });

    it('never shares a content key between kids, even with the same RSA key', async () => {
      const sealer = encryptor();

      const [one] = await sealMany(sealer, 1, KID);
      const [other] = await sealMany(sealer, 1, OTHER_KID);
      const [oneAgain] = await sealMany(sealer, 1, KID);

      expect(await contentKeyOf(other, OTHER_KID)).not.toBe(await contentKeyOf(one));
      expect(oneAgain.encrypted_key).toBe(one.encrypted_key);
    });

    it('makes a new content key when a kid comes with another public key', async () => {
      const sealer = encryptor();

      const [first] = await sealMany(sealer, 1, KID, keys.publicKey);
      const [second] = await sealMany(sealer, 1, KID, otherKeys.publicKey);

      expect(second.encrypted_key).not.toBe(first.encrypted_key);
      expect(await joseDecrypt(second, otherKeys.privateKey)).toMatchObject({
        secrets: { password: 'pw-0' },
      });
    });

    it('keeps a content key per kid for at most maxKeyIds kids', async () => {
      const sealer = encryptor({ maxKeyIds: 1 });

      const [first] = await sealMany(sealer, 1, KID);
      await sealMany(sealer, 1, OTHER_KID);
      const [again] = await sealMany(sealer, 1, KID);

      expect(again.encrypted_key).not.toBe(first.encrypted_key);
    });

    it('makes a new content key after clear()', async () => {
      const sealer = encryptor();
      const [first] = await sealMany(sealer, 1);

      sealer.clear();
      const [second] = await sealMany(sealer, 1);

      expect(second.encrypted_key).not.toBe(first.encrypted_key);
    });
  });

  describe('validation', () => {
    it('rejects secrets that break the contract, without quoting them', async () => {
      const attempt = encryptor().encrypt(
        { password: `MARKER${'x'.repeat(5000)}` },
        { kid: KID, publicKey: keys.publicKey },
      );

      await expect(attempt).rejects.toThrow(InvalidEventError);
      await expect(attempt).rejects.toMatchObject({
        field: '/data/secrets/password',
        message: expect.not.stringContaining('MARKER'),
      });
    });

    it('rejects a kid the contract does not allow, and wipes the content key made for it', async () => {
      const wipe = jest.spyOn(ContentKeySession.prototype, 'wipe');

      await expect(
        encryptor().encrypt({ password: 'pw' }, { kid: 'my-key', publicKey: keys.publicKey }),
      ).rejects.toMatchObject({ field: '/data/encryptedSecrets/protected' });
      expect(wipe).toHaveBeenCalledTimes(1);
      wipe.mockRestore();
    });

    it.each([
      ['an RSA private key', () => keys.privateKey],
      ['an RSA key under 2048 bits', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey],
      ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
    ])('refuses %s', async (_case, publicKey) => {
      await expect(
        encryptor().encrypt({ password: 'pw' }, { kid: KID, publicKey: publicKey() }),
      ).rejects.toThrow(TypeError);
    });

    it.each<[keyof JweSecretsEncryptorOptions, number]>([
      ['maxMessagesPerKey', 0],
      ['maxMessagesPerKey', MAX_MESSAGES_PER_CONTENT_KEY + 1],
      ['keyTtlMs', 0],
      ['maxKeyIds', 1.5],
    ])('refuses %s = %d', (option, value) => {
      expect(() => new JweSecretsEncryptor({ [option]: value })).toThrow(RangeError);
    });
  });
});

describe('the event contract README', () => {
  // Emitting teams read the bounds there; they must be the ones this library applies.
  const readme = readFileSync(join(__dirname, '../../../event-contract/README.md'), 'utf8').replace(
    /\s+/g,
    ' ',
  );
  const count = (value: number): string => value.toLocaleString('en-US');
  const minutes = (ms: number): string => `${ms / 60_000} minutes`;

  it('recommends the encryptor defaults and states its hard bound', () => {
    expect(readme).toContain(
      `at most **2^${Math.log2(MAX_MESSAGES_PER_CONTENT_KEY)} messages** per content key ` +
        `(recommended: ${count(DEFAULT_MESSAGES_PER_CONTENT_KEY)}) and for a bounded time ` +
        `(recommended: ${minutes(DEFAULT_CONTENT_KEY_TTL_MS)})`,
    );
  });

  it('states the consumer cache bounds', () => {
    expect(readme).toContain(
      `for ${minutes(DEFAULT_UNWRAP_CACHE_TTL_MS)} from its unwrap ` +
        `(at most ${count(DEFAULT_UNWRAP_CACHE_MAX_ENTRIES)} keys)`,
    );
  });
});
