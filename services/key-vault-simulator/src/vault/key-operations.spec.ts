import { randomBytes } from 'node:crypto';
import { type KeyMaterial, generateKeyMaterial } from './key-material';
import { type KeyRequest, cryptoOperation, getKey } from './key-operations';
import { KeyStore, type VersionOptions } from './key-store';

const NOW = 1_800_000_000;
const URL = 'https://127.0.0.1:4443';

describe('key operations', () => {
  let rsa: KeyMaterial;
  let ec: KeyMaterial;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([
      generateKeyMaterial({ kty: 'RSA', size: 2048 }),
      generateKeyMaterial({ kty: 'EC', curve: 'P-256' }),
    ]);
  });

  const setUp = (options: VersionOptions = {}, material: KeyMaterial = rsa, lenient = false) => {
    const keys = new KeyStore();
    const version = keys.addVersion('cmk', material, options, NOW - 100);
    const request: KeyRequest = {
      keys,
      vaultUrl: URL,
      name: 'cmk',
      version: '',
      nowSeconds: NOW,
      disabledKeyAllowsPublicOps: lenient,
    };
    return { keys, version, request };
  };
  const body = (alg: string, value: Buffer) => JSON.stringify({ alg, value: value.toString('base64url') });
  const wrap = (request: KeyRequest) =>
    cryptoOperation(request, 'wrapKey', body('RSA-OAEP-256', randomBytes(32)));
  const errorOf = (reply: { body?: unknown }) =>
    (reply.body as { error: { code: string; message: string; innererror?: { code: string } } }).error;

  it('returns the KeyBundle of the current version, with kid, public JWK and attributes', () => {
    const { request, version } = setUp({ exp: NOW + 60 });
    const reply = getKey(request);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      key: { kid: `${URL}/keys/cmk/${version.version}`, kty: 'RSA', e: 'AQAB' },
      attributes: {
        enabled: true,
        exp: NOW + 60,
        created: NOW - 100,
        recoveryLevel: 'Recoverable+Purgeable',
      },
    });
    expect(JSON.stringify(reply.body)).not.toMatch(/"d"|"p"|"q"/);
  });

  it('answers 404 KeyNotFound for an unknown name or version', () => {
    const { request } = setUp();
    expect(getKey({ ...request, name: 'other' }).status).toBe(404);
    expect(errorOf(wrap({ ...request, version: 'f'.repeat(32) })).code).toBe('KeyNotFound');
  });

  it('refuses everything on a disabled key by default, and only the public operations are let through when lenient', () => {
    const strict = setUp({ enabled: false }).request;
    expect(errorOf(getKey(strict))).toEqual({
      code: 'Forbidden',
      message: 'Operation get is not allowed on a disabled key.',
      innererror: { code: 'KeyDisabled' },
    });
    expect(errorOf(wrap(strict)).innererror?.code).toBe('KeyDisabled');
    const lenient = setUp({ enabled: false }, rsa, true).request;
    expect(wrap(lenient).status).toBe(200);
    expect(getKey(lenient).status).toBe(403);
    expect(
      errorOf(cryptoOperation(lenient, 'unwrapKey', body('RSA-OAEP-256', randomBytes(256)))).innererror?.code,
    ).toBe('KeyDisabled');
  });

  it('refuses an operation missing from key_ops with 403 KeyOperationForbidden', () => {
    const { request } = setUp({ keyOps: ['unwrapKey'] });
    expect(errorOf(wrap(request))).toMatchObject({
      code: 'Forbidden',
      innererror: { code: 'KeyOperationForbidden' },
    });
  });

  it('refuses wrap before nbf and from exp on, but keeps unwrap allowed', () => {
    const expired = setUp({ exp: NOW }).request;
    const wrapped = cryptoOperation(
      { ...expired, nowSeconds: NOW - 1 },
      'wrapKey',
      body('RSA-OAEP-256', randomBytes(32)),
    );
    expect(wrapped.status).toBe(200);
    expect(errorOf(wrap(expired)).innererror?.code).toBe('KeyExpired');
    const value = Buffer.from((wrapped.body as { value: string }).value, 'base64url');
    expect(cryptoOperation(expired, 'unwrapKey', body('RSA-OAEP-256', value)).status).toBe(200);
    expect(errorOf(wrap(setUp({ nbf: NOW + 1 }).request)).innererror?.code).toBe('KeyNotYetValid');
  });

  it('answers 400 BadParameter for a bad body, an EC key or an algorithm the key cannot do', () => {
    const { request } = setUp();
    for (const raw of ['x', '[]', '{}', '{"alg":"RSA-OAEP"}', '{"alg":"RSA-OAEP","value":"###"}']) {
      expect(errorOf(cryptoOperation(request, 'wrapKey', raw)).code).toBe('BadParameter');
    }
    expect(errorOf(cryptoOperation(request, 'wrapKey', body('A256KW', randomBytes(32)))).code).toBe(
      'BadParameter',
    );
    const onEc = setUp({ keyOps: ['wrapKey'] }, ec).request;
    expect(errorOf(wrap(onEc))).toMatchObject({
      code: 'BadParameter',
      message: 'Algorithm RSA-OAEP-256 is not supported for key type EC.',
    });
  });

  it('wraps with the addressed version and answers its kid', () => {
    const { keys, request, version } = setUp();
    keys.addVersion('cmk', rsa, {}, NOW);
    const reply = cryptoOperation(
      { ...request, version: version.version.toUpperCase() },
      'encrypt',
      body('RSA-OAEP', randomBytes(16)),
    );
    expect(reply.body).toMatchObject({ kid: `${URL}/keys/cmk/${version.version}` });
  });
});
