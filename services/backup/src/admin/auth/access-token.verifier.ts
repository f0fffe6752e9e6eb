import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { type AdminConfig } from '../admin.config';
import { AuthUnavailableError, InvalidAccessTokenError } from './auth.errors';
import { OPERATOR_ROLES, type Principal, type Role, ROLES, WORKSPACE_ID_PATTERN } from './principal';

/** Asymmetric only: an HMAC or `none` token can never pass, whatever its header claims. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8_192;
const SUBJECT = /^[\x21-\x7e]{1,256}$/;

/**
 * Verifies bearer tokens against the issuer's JWKS (fetched and cached by jose, refetched on an
 * unknown key id) and turns their claims into a `Principal`: `sub`, `role` and, unless the role is
 * `operator`, `workspace_id`. Besides signature, issuer, audience, `exp` and `nbf`, it bounds the
 * token's lifetime (see `lifetimeProblem`): a stolen long-lived token must not work for years.
 */
export class AccessTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly settings: AdminConfig['auth'],
    keys?: JWTVerifyGetKey,
    private readonly now: () => number = Date.now,
  ) {
    this.keys =
      keys ??
      createRemoteJWKSet(new URL(settings.jwksUrl), {
        timeoutDuration: settings.jwksTimeoutMs,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      throw new InvalidAccessTokenError('the access token is malformed');
    }
    const now = this.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw translateJoseError(error);
    }
    const problem = lifetimeProblem(payload, Math.floor(now / 1_000), this.settings);
    if (problem !== undefined) throw new InvalidAccessTokenError(problem);
    return toPrincipal(payload);
  }
}

/**
 * What is wrong with a (signature-checked, unexpired) token's time claims, if anything: `iat` ahead
 * of our clock beyond the tolerance, or a lifetime above the maximum, counted from `iat` or, without
 * it, from now. jose has already refused a missing `exp` and an `nbf` still in the future.
 */
export function lifetimeProblem(
  payload: Pick<JWTPayload, 'iat' | 'exp'>,
  nowSeconds: number,
  settings: Pick<AdminConfig['auth'], 'clockToleranceSeconds' | 'maxTokenAgeSeconds'>,
): string | undefined {
  const { iat, exp } = payload;
  if (exp === undefined) return 'the access token has no exp claim';
  if (iat !== undefined && iat > nowSeconds + settings.clockToleranceSeconds) {
    return `the access token was issued in the future (iat is ${iat - nowSeconds}s ahead of this server's clock)`;
  }
  const lifetime = exp - (iat ?? nowSeconds);
  if (lifetime > settings.maxTokenAgeSeconds) {
    const from = iat === undefined ? 'exp - now, no iat' : 'exp - iat';
    return `the access token lives ${lifetime}s (${from}), longer than the ${settings.maxTokenAgeSeconds}s accepted`;
  }
  return undefined;
}

function toPrincipal(payload: JWTPayload): Principal {
  const {
    sub,
    role,
    workspace_id: workspaceId,
  } = payload as JWTPayload & { role?: unknown; workspace_id?: unknown };
  if (typeof sub !== 'string' || !SUBJECT.test(sub))
    throw new InvalidAccessTokenError('the access token has no valid sub claim');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new InvalidAccessTokenError('the access token has no valid role claim');
  }
  if (OPERATOR_ROLES.has(role as Role)) return { sub, role: role as Role };
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID_PATTERN.test(workspaceId)) {
    throw new InvalidAccessTokenError('the access token has no valid workspace_id claim');
  }
  return { sub, role: role as Role, workspaceId };
}

function translateJoseError(error: unknown): Error {
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  ) {
    // fetch failures surface as plain errors (TypeError); none of them says anything about the token
    return new AuthUnavailableError('the token issuer keys could not be fetched', { cause: error });
  }
  if (error instanceof errors.JWTExpired) return new InvalidAccessTokenError('the access token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing')
      return new InvalidAccessTokenError(`the access token has no ${error.claim} claim`);
    if (error.claim === 'nbf') {
      return new InvalidAccessTokenError('the access token is not valid yet (its nbf is in the future)');
    }
    return new InvalidAccessTokenError(`the access token's ${error.claim} claim is not acceptable`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidAccessTokenError('the access token is signed with an algorithm that is not accepted');
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidAccessTokenError('the access token signature does not verify against the issuer keys');
  }
  return new InvalidAccessTokenError('the access token is malformed');
}
