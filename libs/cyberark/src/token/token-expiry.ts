export interface TokenExpiryPolicy {
  /** Refresh at most this long before expiry... */
  readonly maxSkewMs: number;
  /** ...and at most this fraction of the lifetime before it, so short-lived tokens stay usable. */
  readonly skewRatio: number;
  /** Assumed lifetime when neither `expires_in` nor a JWT `exp` says anything. */
  readonly fallbackLifetimeMs: number;
}

export const DEFAULT_TOKEN_EXPIRY_POLICY: TokenExpiryPolicy = {
  maxSkewMs: 60_000,
  skewRatio: 0.1,
  fallbackLifetimeMs: 300_000,
};

export type LifetimeSource = 'expires_in' | 'jwt-exp' | 'fallback';

export interface TokenLifetime {
  readonly lifetimeMs: number;
  readonly source: LifetimeSource;
}

/**
 * How long a token lives, from the best evidence available: `expires_in` (seconds), else the JWT
 * `exp` claim (read without verification: we only need the time, the server checks the token), else
 * the fallback, which the caller should warn about.
 */
export function resolveTokenLifetime(
  expiresIn: unknown,
  accessToken: string,
  issuedAtMs: number,
  policy: TokenExpiryPolicy,
): TokenLifetime {
  const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) {
    return { lifetimeMs: seconds * 1_000, source: 'expires_in' };
  }
  const exp = readJwtExp(accessToken);
  if (exp !== undefined && exp * 1_000 > issuedAtMs) {
    return { lifetimeMs: exp * 1_000 - issuedAtMs, source: 'jwt-exp' };
  }
  return { lifetimeMs: policy.fallbackLifetimeMs, source: 'fallback' };
}

/** The moment to stop using a token: its expiry minus min(maxSkew, ratio x lifetime). */
export function refreshAt(issuedAtMs: number, lifetimeMs: number, policy: TokenExpiryPolicy): number {
  const skew = Math.min(policy.maxSkewMs, lifetimeMs * policy.skewRatio);
  return issuedAtMs + lifetimeMs - skew;
}

/** The `exp` claim of a compact JWS, or undefined when the token is not a JWT. */
export function readJwtExp(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null) return undefined;
    const exp = (payload as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
