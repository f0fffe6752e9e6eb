import { createPublicKey, verify } from 'node:crypto';
import { AccessTokenService, CLOCK_SKEW_SECONDS, KEY_VAULT_RESOURCE } from './access-token';
import { type AppRegistration } from './entra-directory';

const NOW = Date.UTC(2026, 0, 1);
const HOST = 'https://127.0.0.1:4443';
const APP: AppRegistration = {
  tenantId: 'tenant-a',
  clientId: 'client-a',
  objectId: '0b8e4f0e-0000-4000-8000-000000000001',
  secretHash: Buffer.alloc(32),
};

describe('AccessTokenService', () => {
  const service = new AccessTokenService();
  const issuer = AccessTokenService.issuerFor(HOST, APP.tenantId);
  const expected = { issuer, audience: KEY_VAULT_RESOURCE };
  const issue = (lifetime = 3599) => service.issue(APP, issuer, lifetime, NOW).accessToken;
  const payload = (token: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;

  it('issues an RS256 JWT with the v1 app-only claims Key Vault reads, verifiable from the JWKS', () => {
    const token = issue();
    const [header, body, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual({
      typ: 'JWT',
      alg: 'RS256',
      kid: service.keyId,
    });
    expect(payload(token)).toMatchObject({
      aud: 'https://vault.azure.net',
      iss: `${HOST}/tenant-a/`,
      tid: 'tenant-a',
      appid: 'client-a',
      oid: APP.objectId,
      sub: APP.objectId,
      idtyp: 'app',
      ver: '1.0',
      nbf: NOW / 1000 - CLOCK_SKEW_SECONDS,
      exp: NOW / 1000 + 3599,
    });
    const jwk = service.jwks().keys[0] as { kid: string; n: string; e: string };
    expect(jwk.kid).toBe(service.keyId);
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${body}`), key, Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
  });

  it('accepts its own live token and returns the claims', () => {
    expect(service.check(issue(), expected, NOW)).toMatchObject({
      valid: true,
      claims: { appid: 'client-a' },
    });
  });

  it('refuses a token whose payload was altered', () => {
    const [header, , signature] = issue().split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload(issue()), appid: 'someone-else' })).toString(
      'base64url',
    );
    expect(service.check(`${header}.${forged}.${signature}`, expected, NOW)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('refuses tokens of another simulator process (unknown signing key) and garbage', () => {
    const other = new AccessTokenService().issue(APP, issuer, 3599, NOW).accessToken;
    expect(service.check(other, expected, NOW)).toEqual({ valid: false, reason: 'unknown-signing-key' });
    expect(service.check('not-a-jwt', expected, NOW)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('honours exp with five minutes of clock skew', () => {
    const token = issue(60);
    expect(service.check(token, expected, NOW + (60 + CLOCK_SKEW_SECONDS - 1) * 1000).valid).toBe(true);
    expect(service.check(token, expected, NOW + (60 + CLOCK_SKEW_SECONDS) * 1000)).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('refuses a token used before nbf (beyond the skew)', () => {
    expect(service.check(issue(), expected, NOW - 2 * CLOCK_SKEW_SECONDS * 1000 - 1000)).toEqual({
      valid: false,
      reason: 'not-yet-valid',
    });
  });

  it('refuses another tenant’s token and a token for another audience, saying what it found', () => {
    const foreign = { ...expected, issuer: `${HOST}/tenant-b/` };
    expect(service.check(issue(), foreign, NOW)).toEqual({
      valid: false,
      reason: 'wrong-issuer',
      found: issuer,
    });
    expect(service.check(issue(), { ...expected, audience: 'https://storage.azure.com' }, NOW)).toEqual({
      valid: false,
      reason: 'wrong-audience',
      found: KEY_VAULT_RESOURCE,
    });
  });
});
