import { flattenedDecrypt } from 'jose';
import { InvalidEventError, validateFlattenedJwe } from '@vault-backup/event-contract';
import { KID, type RsaKeyPair, rsaKeyPair } from '../../test/rsa-keys.fixture';
import { encryptSecretsJwe } from './jwe-secrets.encryptor';

let keys: RsaKeyPair;

beforeAll(() => {
  keys = rsaKeyPair();
});

describe('encryptSecretsJwe', () => {
  it('produces a contract-valid JWE that any JOSE library decrypts to the canonical secrets', async () => {
    const jwe = await encryptSecretsJwe(
      { password: 'pw', totpSecret: null, backupCodes: ['a'] },
      { kid: KID, publicKey: keys.publicKey },
    );
    const { plaintext, protectedHeader } = await flattenedDecrypt(jwe, keys.privateKey);

    expect(validateFlattenedJwe(jwe).ok).toBe(true);
    expect(protectedHeader).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KID });
    expect(JSON.parse(Buffer.from(plaintext).toString())).toEqual({ password: 'pw', backupCodes: ['a'] });
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
