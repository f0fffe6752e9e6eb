import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { AccessTokenVerifier, lifetimeProblem } from './access-token.verifier';
import { AuthUnavailableError, InvalidAccessTokenError } from './auth.errors';

const SETTINGS = {
  jwksUrl: 'https://issuer.test/jwks',
  issuer: 'https://issuer.test',
  audience: 'vault-backup',
  clockToleranceSeconds: 5,
  jwksTimeoutMs: 1_000,
  maxTokenAgeSeconds: 86_400,
};

describe('AccessTokenVerifier', () => {
  let keys: JWTVerifyGetKey;
  let sign: (claims: JWTPayload, edit?: (jwt: SignJWT) => SignJWT) => Promise<string>;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    signingKey = privateKey;
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
    sign = (claims, edit = (jwt) => jwt) =>
      edit(
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(SETTINGS.issuer)
          .setAudience(SETTINGS.audience)
          .setIssuedAt()
          .setExpirationTime('5m'),
      ).sign(privateKey);
  });

  const verifier = () => new AccessTokenVerifier(SETTINGS, keys);

  it('turns claims into a principal', async () => {
    await expect(
      verifier().verify(await sign({ sub: 'u1', role: 'admin', workspace_id: 'ws-1' })),
    ).resolves.toEqual({
      sub: 'u1',
      role: 'admin',
      workspaceId: 'ws-1',
    });
    await expect(
      verifier().verify(await sign({ sub: 'sre', role: 'operator', workspace_id: 'ignored' })),
    ).resolves.toEqual({
      sub: 'sre',
      role: 'operator',
    });
  });

  it.each<[string, JWTPayload, ((jwt: SignJWT) => SignJWT) | undefined, RegExp]>([
    [
      'expired',
      { sub: 'u', role: 'admin', workspace_id: 'w' },
      (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 60),
      /expired/,
    ],
    [
      'wrong audience',
      { sub: 'u', role: 'admin', workspace_id: 'w' },
      (jwt) => jwt.setAudience('other'),
      /aud/,
    ],
    [
      'wrong issuer',
      { sub: 'u', role: 'admin', workspace_id: 'w' },
      (jwt) => jwt.setIssuer('https://evil'),
      /iss/,
    ],
    ['unknown role', { sub: 'u', role: 'god', workspace_id: 'w' }, undefined, /role/],
    ['no workspace', { sub: 'u', role: 'owner' }, undefined, /workspace_id/],
    ['bad workspace', { sub: 'u', role: 'owner', workspace_id: 'a b' }, undefined, /workspace_id/],
    ['no sub', { role: 'owner', workspace_id: 'w' }, undefined, /sub/],
  ])('refuses a token: %s', async (_name, claims, edit, message) => {
    const token = await sign(claims, edit);
    await expect(verifier().verify(token)).rejects.toThrow(InvalidAccessTokenError);
    await expect(verifier().verify(token)).rejects.toThrow(message);
  });

  describe('time claims, against an injected clock', () => {
    const NOW = 1_900_000_000;
    const at = (seconds: number) => new AccessTokenVerifier(SETTINGS, keys, () => seconds * 1_000);
    const claims = { sub: 'u', role: 'admin', workspace_id: 'w' };
    const year3000 = 32_503_680_000;

    it.each<[string, (jwt: SignJWT) => SignJWT, RegExp]>([
      [
        'issued an hour in the future, exp in the year 3000',
        (jwt) => jwt.setIssuedAt(NOW + 3_600).setExpirationTime(year3000),
        /issued in the future \(iat is 3600s ahead/,
      ],
      [
        'issued beyond the clock tolerance',
        (jwt) => jwt.setIssuedAt(NOW + 6).setExpirationTime(NOW + 60),
        /issued in the future/,
      ],
      [
        'a lifetime of 25 hours',
        (jwt) => jwt.setIssuedAt(NOW).setExpirationTime(NOW + 25 * 3_600),
        /lives 90000s \(exp - iat\), longer than the 86400s accepted/,
      ],
      [
        'exp in the year 3000',
        (jwt) => jwt.setIssuedAt(NOW - 60).setExpirationTime(year3000),
        /longer than the 86400s accepted/,
      ],
      [
        'not valid before an hour from now',
        (jwt) =>
          jwt
            .setIssuedAt(NOW)
            .setNotBefore(NOW + 3_600)
            .setExpirationTime(NOW + 7_200),
        /not valid yet \(its nbf is in the future\)/,
      ],
    ])('refuses a token %s', async (_name, edit, message) => {
      const token = await sign(claims, edit);
      await expect(at(NOW).verify(token)).rejects.toThrow(InvalidAccessTokenError);
      await expect(at(NOW).verify(token)).rejects.toThrow(message);
    });

    it('refuses a token without exp, naming the claim', async () => {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(SETTINGS.issuer)
        .setAudience(SETTINGS.audience)
        .setIssuedAt(NOW)
        .sign(signingKey);
      await expect(at(NOW).verify(token)).rejects.toThrow('the access token has no exp claim');
      expect(lifetimeProblem({ iat: NOW }, NOW, SETTINGS)).toBe('the access token has no exp claim');
    });

    it('accepts a token within the tolerance and the maximum lifetime, with or without iat', async () => {
      await expect(
        at(NOW).verify(await sign(claims, (jwt) => jwt.setIssuedAt(NOW + 5).setExpirationTime(NOW + 86_405))),
      ).resolves.toMatchObject({ sub: 'u' });
      expect(lifetimeProblem({ exp: NOW + 86_400 }, NOW, SETTINGS)).toBeUndefined();
      expect(lifetimeProblem({ exp: NOW + 86_401 }, NOW, SETTINGS)).toMatch(/exp - now, no iat/);
    });
  });

  it('refuses HMAC tokens whatever the key (algorithm confusion)', async () => {
    const token = await new SignJWT({ sub: 'u', role: 'owner', workspace_id: 'w' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(SETTINGS.issuer)
      .setAudience(SETTINGS.audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-shared-secret-of-enough-length-000'));
    await expect(verifier().verify(token)).rejects.toThrow(/algorithm/);
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', `${'a'.repeat(9_000)}.b.c`])(
    'refuses malformed token %p before any crypto',
    async (token) => {
      await expect(verifier().verify(token)).rejects.toThrow(/malformed/);
    },
  );

  it('says "unavailable", not "invalid", when the issuer keys cannot be fetched', async () => {
    const down: JWTVerifyGetKey = () => Promise.reject(new TypeError('fetch failed'));
    const token = await sign({ sub: 'u', role: 'admin', workspace_id: 'w' });
    await expect(new AccessTokenVerifier(SETTINGS, down).verify(token)).rejects.toThrow(AuthUnavailableError);
  });
});
