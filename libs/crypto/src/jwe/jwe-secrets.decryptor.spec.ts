import { inspect } from 'node:util';
import { FlattenedEncrypt, type FlattenedJWE } from 'jose';
import { type FlattenedJwe, type ProtectedAccountSecrets } from '@vault-backup/event-contract';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { KID, TRUSTED_KEY, type RsaKeyPair, rsaKeyPair } from '../../test/rsa-keys.fixture';
import { CachingKeyUnwrapper } from './caching.key-unwrapper';
import { JweSecretsDecryptor } from './jwe-secrets.decryptor';
import { JweSecretsEncryptor, encryptSecretsJwe } from './jwe-secrets.encryptor';
import { type KeyUnwrapper } from './key-unwrapper.port';
import { LocalRsaKeyUnwrapper } from './local-rsa.key-unwrapper';
import { SecretDecryptionError } from './secret-decryption.error';

const SECRETS = {
  password: 'correct horse battery staple',
  totpSecret: 'JBSWY3DPEHPK3PXP',
  backupCodes: ['1234-5678', '8765-4321'],
};

let keys: RsaKeyPair;
let otherKeys: RsaKeyPair;

beforeAll(() => {
  keys = rsaKeyPair();
  otherKeys = rsaKeyPair();
});

function decryptor(
  unwrapper: KeyUnwrapper = new LocalRsaKeyUnwrapper({ [KID]: keys.privateKey }),
): JweSecretsDecryptor {
  return new JweSecretsDecryptor(unwrapper, { trustedKeyIds: [TRUSTED_KEY] });
}

/** Encrypts with jose directly (not our helper), as an emitting team using any JOSE library would. */
async function joseJwe(
  plaintext: unknown,
  options: { kid?: string; aad?: Uint8Array; alg?: string } = {},
): Promise<FlattenedJwe> {
  let builder = new FlattenedEncrypt(
    Buffer.from(typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext)),
  ).setProtectedHeader({
    alg: options.alg ?? 'RSA-OAEP-256',
    enc: 'A256GCM',
    kid: options.kid ?? KID,
  });
  if (options.aad) builder = builder.setAdditionalAuthenticatedData(options.aad);
  return asContractJwe(await builder.encrypt(keys.publicKey));
}

function asContractJwe(jwe: FlattenedJWE): FlattenedJwe {
  return JSON.parse(JSON.stringify(jwe)) as FlattenedJwe;
}

function revealed(secrets: ProtectedAccountSecrets): Record<string, unknown> {
  return {
    password: secrets.password?.reveal(),
    totpSecret: secrets.totpSecret?.reveal(),
    backupCodes: secrets.backupCodes?.reveal(),
  };
}

async function failure(promise: Promise<unknown>): Promise<SecretDecryptionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof SecretDecryptionError))
    throw new Error(`expected SecretDecryptionError, got ${String(error)}`);
  return error;
}

function flipFirstByte(encoded: string): string {
  const bytes = Buffer.from(encoded, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('JweSecretsDecryptor', () => {
  describe('interoperability', () => {
    it('decrypts what jose FlattenedEncrypt produced, through the unwrapper port', async () => {
      const secrets = await decryptor().decrypt(await joseJwe(SECRETS));

      expect(revealed(secrets)).toEqual(SECRETS);
    });

    it('honours JWE AAD (RFC 7516 §5.2: protected || "." || aad)', async () => {
      const jwe = await joseJwe(SECRETS, { aad: Buffer.from('workspace ws_acme') });

      expect(jwe.aad).toBeDefined();
      expect(revealed(await decryptor().decrypt(jwe))).toEqual(SECRETS);
    });

    it('decrypts what encryptSecretsJwe produced', async () => {
      const jwe = await encryptSecretsJwe(SECRETS, { kid: KID, publicKey: keys.publicKey });

      expect(revealed(await decryptor().decrypt(jwe))).toEqual(SECRETS);
    });

    it('decrypts what JweSecretsEncryptor produced', async () => {
      const jwe = await new JweSecretsEncryptor().encrypt(SECRETS, { kid: KID, publicKey: keys.publicKey });

      expect(revealed(await decryptor().decrypt(jwe))).toEqual(SECRETS);
    });

    it('returns Secrets that stay hidden from JSON and inspect, and drops unknown members', async () => {
      const secrets = await decryptor().decrypt(await joseJwe({ password: 'MARKER', pin: '0000' }));

      expect(Object.keys(secrets)).toEqual(['password']);
      expect(JSON.stringify(secrets)).not.toContain('MARKER');
      expect(inspect(secrets)).not.toContain('MARKER');
    });
  });

  describe('tampering', () => {
    it.each<[string, (jwe: FlattenedJwe) => FlattenedJwe]>([
      ['the ciphertext', (jwe) => ({ ...jwe, ciphertext: flipFirstByte(jwe.ciphertext) })],
      ['the tag', (jwe) => ({ ...jwe, tag: flipFirstByte(jwe.tag) })],
      ['the iv', (jwe) => ({ ...jwe, iv: flipFirstByte(jwe.iv) })],
      ['the aad', (jwe) => ({ ...jwe, aad: Buffer.from('another workspace').toString('base64url') })],
      [
        'the protected header (re-encoded with an extra parameter)',
        (jwe) => {
          const header = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString()) as Record<
            string,
            unknown
          >;
          return {
            ...jwe,
            protected: Buffer.from(JSON.stringify({ ...header, typ: 'JWE' })).toString('base64url'),
          };
        },
      ],
    ])('rejects a JWE with a modified %s', async (_case, tamper) => {
      const jwe = await joseJwe(SECRETS, { aad: Buffer.from('workspace ws_acme') });

      const error = await failure(decryptor().decrypt(tamper(jwe)));

      expect(error.reason).toBe('authentication failed: wrong key or tampered JWE');
      expect(error.retriable).toBe(false);
    });

    it('rejects a JWE whose wrapped key was modified', async () => {
      const jwe = await joseJwe(SECRETS);

      const error = await failure(
        decryptor().decrypt({ ...jwe, encrypted_key: flipFirstByte(jwe.encrypted_key) }),
      );

      expect(error.reason).toMatch(/^key unwrap failed/);
    });

    it('rejects a JWE encrypted for another key (wrong private key)', async () => {
      const unwrapper = new LocalRsaKeyUnwrapper({ [KID]: otherKeys.privateKey });

      expect((await failure(decryptor(unwrapper).decrypt(await joseJwe(SECRETS)))).reason).toMatch(
        /^key unwrap failed/,
      );
    });
  });

  describe('header checks', () => {
    it('rejects a header the contract forbids, before unwrapping', async () => {
      const unwrapKey = jest.fn<Promise<Uint8Array>, Parameters<KeyUnwrapper['unwrapKey']>>();
      const jwe = await joseJwe(SECRETS, { alg: 'RSA-OAEP' });

      const error = await failure(decryptor({ unwrapKey }).decrypt(jwe));

      expect(error.reason).toBe('malformed JWE: /protected header /alg must be equal to "RSA-OAEP-256"');
      expect(unwrapKey).not.toHaveBeenCalled();
    });

    it('rejects a well-formed but untrusted key id without calling the vault it names', async () => {
      const unwrapKey = jest.fn<Promise<Uint8Array>, Parameters<KeyUnwrapper['unwrapKey']>>();
      const foreignKid =
        'https://attacker-vault.vault.azure.net/keys/account-secrets/4f1c2a9e8b7d4c3fa6e5d0b1c2a3f4e5';
      const lookalikeKid = `${TRUSTED_KEY}-evil/4f1c2a9e8b7d4c3fa6e5d0b1c2a3f4e5`;

      for (const kid of [foreignKid, lookalikeKid]) {
        expect(
          (await failure(decryptor({ unwrapKey }).decrypt(await joseJwe(SECRETS, { kid })))).reason,
        ).toBe('key id is not trusted');
      }
      expect(unwrapKey).not.toHaveBeenCalled();
    });

    it('trusts an exact versioned key id too', async () => {
      const exact = new JweSecretsDecryptor(new LocalRsaKeyUnwrapper({ [KID]: keys.privateKey }), {
        trustedKeyIds: [KID],
      });

      expect(revealed(await exact.decrypt(await joseJwe(SECRETS)))).toEqual(SECRETS);
    });

    it('reads nothing from the unauthenticated headers (shared `unprotected`, per-recipient `header`)', async () => {
      const jwe = await joseJwe(SECRETS);
      const withHeaders = {
        ...jwe,
        unprotected: { zip: 'DEF', enc: 'A128GCM' },
        header: { jku: 'https://attacker.example/keys' },
      };

      expect(revealed(await decryptor().decrypt(withHeaders))).toEqual(SECRETS);
    });

    it('rejects something that is not a JWE at all', async () => {
      expect((await failure(decryptor().decrypt('eyJhbGciOi...'))).reason).toBe(
        'malformed JWE: (root) must be object',
      );
    });

    it('needs at least one trusted key id', () => {
      expect(() => new JweSecretsDecryptor({ unwrapKey: jest.fn() }, { trustedKeyIds: [] })).toThrow(
        TypeError,
      );
    });
  });

  describe('unwrapper', () => {
    it('passes the kid, the algorithm and the wrapped key, and wipes the returned key after use', async () => {
      const jwe = await joseJwe(SECRETS);
      const local = new LocalRsaKeyUnwrapper({ [KID]: keys.privateKey });
      let cek: Uint8Array | undefined;
      const unwrapKey = jest.fn(async (kid: string, algorithm: 'RSA-OAEP-256', wrapped: Uint8Array) => {
        cek = await local.unwrapKey(kid, algorithm, wrapped);
        return cek;
      });

      await decryptor({ unwrapKey }).decrypt(jwe);

      expect(unwrapKey).toHaveBeenCalledWith(
        KID,
        'RSA-OAEP-256',
        Buffer.from(jwe.encrypted_key, 'base64url'),
      );
      expect(cek?.every((byte) => byte === 0)).toBe(true);
    });

    it('surfaces the unwrapper’s own errors unchanged (a vault outage stays retriable)', async () => {
      const outage = new DependencyUnavailableError('azure-key-vault', 'timeout');

      await expect(
        decryptor({ unwrapKey: () => Promise.reject(outage) }).decrypt(await joseJwe(SECRETS)),
      ).rejects.toBe(outage);
    });

    it('rejects an unwrapped key that is not 256 bits', async () => {
      const error = await failure(
        decryptor({ unwrapKey: () => Promise.resolve(new Uint8Array(16)) }).decrypt(await joseJwe(SECRETS)),
      );

      expect(error.reason).toBe('unwrapped content-encryption key is not 256 bits');
    });

    it('LocalRsaKeyUnwrapper refuses an unknown key id', async () => {
      const unwrapper = new LocalRsaKeyUnwrapper(new Map([[KID, keys.privateKey]]));

      await expect(
        unwrapper.unwrapKey(`${TRUSTED_KEY}/${'0'.repeat(32)}`, 'RSA-OAEP-256', new Uint8Array(256)),
      ).rejects.toThrow(SecretDecryptionError);
    });

    it('LocalRsaKeyUnwrapper accepts only RSA private keys', () => {
      expect(() => new LocalRsaKeyUnwrapper({ [KID]: keys.publicKey })).toThrow(TypeError);
    });
  });

  describe('with CachingKeyUnwrapper', () => {
    function countingUnwrapper(): { inner: jest.Mock; caching: CachingKeyUnwrapper } {
      const local = new LocalRsaKeyUnwrapper({ [KID]: keys.privateKey });
      const inner = jest.fn((...args: Parameters<KeyUnwrapper['unwrapKey']>) => local.unwrapKey(...args));
      return { inner, caching: new CachingKeyUnwrapper({ unwrapKey: inner }) };
    }

    async function sharingOneContentKey(count: number): Promise<FlattenedJwe[]> {
      const encryptor = new JweSecretsEncryptor();
      return Promise.all(
        Array.from({ length: count }, (_, index) =>
          encryptor.encrypt({ password: `pw-${index}` }, { kid: KID, publicKey: keys.publicKey }),
        ),
      );
    }

    it('decrypts 1,000 concurrent events sharing a content key with exactly 1 inner unwrap', async () => {
      const { inner, caching } = countingUnwrapper();
      const jwes = await sharingOneContentKey(1000);

      const secrets = await Promise.all(jwes.map((jwe) => decryptor(caching).decrypt(jwe)));

      expect(inner).toHaveBeenCalledTimes(1);
      expect(secrets.map((each) => each.password?.reveal())).toEqual(jwes.map((_, index) => `pw-${index}`));
      expect(caching.stats()).toMatchObject({ innerCalls: 1, coalesced: 999, hits: 0 });
    });

    it('keeps the cached key intact although the decryptor wipes every key it receives', async () => {
      const { inner, caching } = countingUnwrapper();
      const [first, second] = await sharingOneContentKey(2);

      await decryptor(caching).decrypt(first);
      const secrets = await decryptor(caching).decrypt(second);

      expect(secrets.password?.reveal()).toBe('pw-1');
      expect(inner).toHaveBeenCalledTimes(1);
    });

    it('lets the next event retry an unwrap the vault throttled', async () => {
      const { inner, caching } = countingUnwrapper();
      const throttled = new DependencyUnavailableError('azure-key-vault', 'throttled (429)');
      inner.mockRejectedValueOnce(throttled);
      const [first, second] = await sharingOneContentKey(2);

      await expect(decryptor(caching).decrypt(first)).rejects.toBe(throttled);
      expect((await decryptor(caching).decrypt(second)).password?.reveal()).toBe('pw-1');
      expect(inner).toHaveBeenCalledTimes(2);
    });

    it('still rejects a tampered event whose content key is cached, and keeps serving the others', async () => {
      const { inner, caching } = countingUnwrapper();
      const [first, second] = await sharingOneContentKey(2);
      await decryptor(caching).decrypt(first);

      const error = await failure(
        decryptor(caching).decrypt({ ...second, ciphertext: flipFirstByte(second.ciphertext) }),
      );

      expect(error.reason).toBe('authentication failed: wrong key or tampered JWE');
      expect((await decryptor(caching).decrypt(second)).password?.reveal()).toBe('pw-1');
      expect(inner).toHaveBeenCalledTimes(1);
    });
  });

  describe('plaintext', () => {
    it.each<[string, unknown, string]>([
      ['not JSON', 'password=hunter2', 'decrypted secrets are not JSON'],
      [
        'JSON of the wrong shape',
        { password: 42 },
        'decrypted secrets break the contract: /plaintext/password must be string or null of 1..4096 characters',
      ],
      ['a JSON array', ['hunter2'], 'decrypted secrets break the contract: /plaintext must be object'],
    ])('rejects a plaintext that is %s, without quoting it', async (_case, plaintext, reason) => {
      const error = await failure(decryptor().decrypt(await joseJwe(plaintext)));

      expect(error.reason).toBe(reason);
      expect(error.message).not.toContain('hunter2');
    });
  });
});
