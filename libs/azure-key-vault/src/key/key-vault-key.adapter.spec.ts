import { createPublicKey, randomBytes } from 'node:crypto';
import { JweSecretsDecryptor, encryptSecretsJwe } from '@vault-backup/crypto';
import { KeyVaultError } from '../key-vault.errors';
import { FAILURES, STUB_VERSION, StubKeyVaultCalls } from '../test/stub-key-vault.calls';
import { wrapLocally } from '../validation/key-validation';
import { KeyVaultKeyAdapter } from './key-vault-key.adapter';

function setup(bits = 4096) {
  const calls = new StubKeyVaultCalls(bits);
  return { calls, adapter: new KeyVaultKeyAdapter(calls) };
}

async function failure(promise: Promise<unknown>): Promise<KeyVaultError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KeyVaultError);
  return error as KeyVaultError;
}

describe('KeyVaultKeyAdapter.describeKey', () => {
  it('describes the current version: versioned kid, RSA 4096 from n, operations, public JWK', async () => {
    const { adapter, calls } = setup();
    const key = await adapter.describeKey();
    expect(key).toMatchObject({
      kid: calls.kid,
      name: 'backup',
      version: STUB_VERSION,
      kty: 'RSA',
      sizeBits: 4096,
      keyOps: ['wrapKey', 'unwrapKey'],
      enabled: true,
      publicJwk: { kty: 'RSA', e: 'AQAB' },
    });
    expect(Buffer.from(key.publicJwk!.n, 'base64url')).toHaveLength(512);
    expect(adapter.keyIdPrefix).toBe('https://acme.vault.azure.net/keys/backup');
  });

  it('reads 2048 bits from a 256-byte modulus and gives no size or JWK for an EC key', async () => {
    expect((await setup(2048).adapter.describeKey()).sizeBits).toBe(2048);
    const ec = setup();
    ec.calls.key.kty = 'EC';
    const key = await ec.adapter.describeKey();
    expect(key.sizeBits).toBeUndefined();
    expect(key.publicJwk).toBeUndefined();
  });
});

describe('KeyVaultKeyAdapter.unwrapKey', () => {
  it('unwraps with exactly the version the kid names', async () => {
    const { adapter, calls } = setup();
    const cek = randomBytes(32);
    const key = await adapter.describeKey();
    const result = await adapter.unwrapKey(calls.kid, 'RSA-OAEP-256', wrapLocally(key.publicJwk!, cek));
    expect(Buffer.from(result).equals(cek)).toBe(true);
    expect(calls.calls).toContain(`unwrapKey(${STUB_VERSION})`);
  });

  it.each([
    ['another vault', `https://evil.vault.azure.net/keys/backup/${STUB_VERSION}`],
    ['another key', `https://acme.vault.azure.net/keys/other/${STUB_VERSION}`],
    ['a versionless kid', 'https://acme.vault.azure.net/keys/backup'],
  ])('refuses %s with kid-not-trusted and makes no call', async (_why, kid) => {
    const { adapter, calls } = setup();
    const error = await failure(adapter.unwrapKey(kid, 'RSA-OAEP-256', randomBytes(512)));
    expect(error).toMatchObject({ problem: 'kid-not-trusted', retriable: false });
    expect(calls.calls).toEqual([]);
  });

  it('refuses another algorithm without a call', async () => {
    const { adapter, calls } = setup();
    const error = await failure(adapter.unwrapKey(calls.kid, 'RSA1_5' as 'RSA-OAEP-256', randomBytes(512)));
    expect(error.problem).toBe('algorithm-not-supported');
    expect(calls.calls).toEqual([]);
  });

  it('keeps a refusal the vault explained (OAEP padding: tampered) without reading the key', async () => {
    const { adapter, calls } = setup();
    calls.failNext('unwrapKey', FAILURES.oaep());
    const error = await failure(adapter.unwrapKey(calls.kid, 'RSA-OAEP-256', randomBytes(512)));
    expect(error).toMatchObject({ problem: 'unwrap-refused', errorClass: 'secret-decryption-failed' });
    expect(calls.calls).toEqual([`unwrapKey(${STUB_VERSION})`]);
  });

  it.each([
    ['an EC key', (calls: StubKeyVaultCalls) => (calls.key.kty = 'EC'), 'key-not-rsa'],
    ['a disabled version', (calls: StubKeyVaultCalls) => (calls.key.enabled = false), 'key-disabled'],
    [
      'a version without unwrapKey',
      (calls: StubKeyVaultCalls) => (calls.key.keyOps = ['wrapKey']),
      'operation-not-permitted',
    ],
  ])('names what the key version explains about a bare 400: %s → %s', async (_why, arrange, problem) => {
    const { adapter, calls } = setup();
    arrange(calls);
    calls.failNext('unwrapKey', FAILURES.bareBadRequest());
    const error = await failure(adapter.unwrapKey(calls.kid, 'RSA-OAEP-256', randomBytes(512)));
    expect(error.problem).toBe(problem);
    expect(error.cause).toBeInstanceOf(KeyVaultError);
    expect(calls.calls).toEqual([`unwrapKey(${STUB_VERSION})`, `getKey(${STUB_VERSION})`]);
  });

  it('names an EC key behind "operation not permitted" (its key_ops are sign and verify)', async () => {
    const { adapter, calls } = setup();
    calls.key.kty = 'EC';
    calls.key.keyOps = ['sign', 'verify'];
    calls.failNext('unwrapKey', FAILURES.keyOperationForbidden());
    const error = await failure(adapter.unwrapKey(calls.kid, 'RSA-OAEP-256', randomBytes(512)));
    expect(error).toMatchObject({
      problem: 'key-not-rsa',
      errorClass: 'secret-decryption-failed',
      evidence: 'vault-code',
    });
  });

  it('keeps the first answer when the key explains nothing or cannot be read', async () => {
    const plain = setup();
    plain.calls.failNext('unwrapKey', FAILURES.bareBadRequest());
    expect(
      (await failure(plain.adapter.unwrapKey(plain.calls.kid, 'RSA-OAEP-256', randomBytes(512)))).problem,
    ).toBe('unwrap-refused');
    const unreadable = setup();
    unreadable.calls.failNext('unwrapKey', FAILURES.bareBadRequest());
    unreadable.calls.failNext('getKey', FAILURES.forbiddenByRbac('get-key'));
    expect(
      (await failure(unreadable.adapter.unwrapKey(unreadable.calls.kid, 'RSA-OAEP-256', randomBytes(512))))
        .problem,
    ).toBe('unwrap-refused');
  });

  it('passes transient failures through as they are', async () => {
    const { adapter, calls } = setup();
    calls.failNext('unwrapKey', FAILURES.serverError('unwrap-key'));
    expect(await failure(adapter.unwrapKey(calls.kid, 'RSA-OAEP-256', randomBytes(512)))).toMatchObject({
      problem: 'service-unavailable',
      errorClass: 'key-vault-unavailable',
      retriable: true,
    });
  });
});

describe('KeyVaultKeyAdapter.wrapKey', () => {
  it('wraps remotely with the current version and returns that versioned kid', async () => {
    const { adapter, calls } = setup();
    const cek = randomBytes(32);
    const { kid, wrapped } = await adapter.wrapKey(cek);
    expect(kid).toBe(calls.kid);
    expect(Buffer.from(await adapter.unwrapKey(kid, 'RSA-OAEP-256', wrapped)).equals(cek)).toBe(true);
    expect(calls.calls.slice(0, 2)).toEqual(['getKey', `wrapKey(${STUB_VERSION})`]);
  });

  it('refuses a key that is not RSA without a wrap call', async () => {
    const { adapter, calls } = setup();
    calls.key.kty = 'EC';
    expect((await failure(adapter.wrapKey(randomBytes(32)))).problem).toBe('key-not-rsa');
    expect(calls.calls).toEqual(['getKey']);
  });

  it('reports a missing role from the vault', async () => {
    const { adapter, calls } = setup();
    calls.failNext('wrapKey', FAILURES.forbiddenByRbac('wrap-key'));
    expect(await failure(adapter.wrapKey(randomBytes(32)))).toMatchObject({
      problem: 'forbidden',
      errorClass: 'key-access-revoked',
      retriable: true,
    });
  });
});

describe('KeyVaultKeyAdapter as the KeyUnwrapper of JweSecretsDecryptor', () => {
  it("decrypts an event's encryptedSecrets made for the key's current version", async () => {
    const { adapter, calls } = setup();
    const key = await adapter.describeKey();
    const jwe = await encryptSecretsJwe(
      { password: 'correct horse' },
      { kid: key.kid, publicKey: createPublicKey({ key: { ...key.publicJwk! }, format: 'jwk' }) },
    );
    const decryptor = new JweSecretsDecryptor(adapter, { trustedKeyIds: [adapter.keyIdPrefix] });
    expect((await decryptor.decrypt(jwe)).password?.reveal()).toBe('correct horse');
    expect(calls.calls).toContain(`unwrapKey(${STUB_VERSION})`);
  });
});

describe('KeyVaultKeyAdapter.close', () => {
  it('closes its connection', () => {
    const { adapter, calls } = setup();
    adapter.close();
    expect(calls.closed).toBe(true);
  });
});
