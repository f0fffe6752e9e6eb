import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthUnavailableError, InvalidAccessTokenError } from './auth.errors';

const SETTINGS = {
  jwksUrl: 'https://issuer.test/jwks',
  issuer: 'https://issuer.test',
  audience: 'vault-backup',
  clockToleranceSeconds: 5,
  jwksTimeoutMs: 1_000,
};

describe('AccessTokenVerifier', () => {
  let keys: JWTVerifyGetKey;
  let sign: (claims: JWTPayload, edit?: (jwt: SignJWT) => SignJWT) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
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
