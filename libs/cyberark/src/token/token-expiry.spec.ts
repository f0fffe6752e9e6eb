import { DEFAULT_TOKEN_EXPIRY_POLICY, readJwtExp, refreshAt, resolveTokenLifetime } from './token-expiry';

const jwt = (payload: object): string =>
  ['{"alg":"none"}', JSON.stringify(payload), 'sig']
    .map((part, index) => (index === 2 ? part : Buffer.from(part).toString('base64url')))
    .join('.');

describe('token expiry', () => {
  const policy = DEFAULT_TOKEN_EXPIRY_POLICY;
  const issuedAt = 1_700_000_000_000;

  it('prefers expires_in, as a number or a numeric string', () => {
    expect(resolveTokenLifetime(900, 'opaque', issuedAt, policy)).toEqual({
      lifetimeMs: 900_000,
      source: 'expires_in',
    });
    expect(resolveTokenLifetime('3600', 'opaque', issuedAt, policy)).toEqual({
      lifetimeMs: 3_600_000,
      source: 'expires_in',
    });
  });

  it('falls back to the JWT exp claim', () => {
    const token = jwt({ exp: issuedAt / 1_000 + 120 });
    expect(resolveTokenLifetime(undefined, token, issuedAt, policy)).toEqual({
      lifetimeMs: 120_000,
      source: 'jwt-exp',
    });
  });

  it.each([
    ['no expires_in, opaque token', undefined, 'opaque'],
    ['zero expires_in', 0, 'opaque'],
    ['garbage expires_in', 'soon', 'opaque'],
    ['JWT already expired', undefined, jwt({ exp: issuedAt / 1_000 - 5 })],
    ['JWT without exp', undefined, jwt({ sub: 'x' })],
  ])('uses the fallback when %s', (_case, expiresIn, token) => {
    expect(resolveTokenLifetime(expiresIn, token, issuedAt, policy)).toEqual({
      lifetimeMs: 300_000,
      source: 'fallback',
    });
  });

  it('refreshes 60 s early for long tokens and 10 % early for short ones', () => {
    expect(refreshAt(issuedAt, 3_600_000, policy)).toBe(issuedAt + 3_540_000);
    expect(refreshAt(issuedAt, 900_000, policy)).toBe(issuedAt + 840_000);
    expect(refreshAt(issuedAt, 300_000, policy)).toBe(issuedAt + 270_000);
    expect(refreshAt(issuedAt, 2_000, policy)).toBe(issuedAt + 1_800);
  });

  it('reads exp only from a three-part token with a JSON payload', () => {
    expect(readJwtExp(jwt({ exp: 42 }))).toBe(42);
    expect(readJwtExp('a.b')).toBeUndefined();
    expect(readJwtExp('a.!!!.c')).toBeUndefined();
    expect(readJwtExp(jwt({ exp: '42' }))).toBeUndefined();
  });
});
