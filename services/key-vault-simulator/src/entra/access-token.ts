import {
  type KeyObject,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { unixSeconds } from '../clock/clock';
import { type AppRegistration } from './entra-directory';

/** The public cloud's Key Vault resource; the sovereign ones are in `clouds/azure-clouds`. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

/**
 * Entra ID backdates `nbf`/`iat` by five minutes, and Microsoft.IdentityModel validators accept
 * five minutes of clock skew by default; both are modelled.
 */
export const CLOCK_SKEW_SECONDS = 300;

/** The v1.0 app-only claims Key Vault receives (its resource accepts v1 tokens). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  appidacr: '1';
  idp: string;
  idtyp: 'app';
  oid: string;
  sub: string;
  tid: string;
  uti: string;
  ver: '1.0';
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export type TokenCheck =
  | { valid: true; claims: AccessTokenClaims }
  | {
      valid: false;
      reason:
        | 'malformed'
        | 'unknown-signing-key'
        | 'bad-signature'
        | 'expired'
        | 'not-yet-valid'
        | 'wrong-audience'
        | 'wrong-issuer';
      found?: string;
    };

export interface ExpectedToken {
  issuer: string;
  audience: string;
}

interface JwtHeader {
  alg?: string;
  typ?: string;
  kid?: string;
}

/**
 * Signs and checks the simulator's access tokens: RS256 JWTs under a key generated per process,
 * published as a JWKS so tests can verify tokens with ordinary JOSE tools.
 */
export class AccessTokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = createPublicKey(pair.privateKey);
    this.keyId = createHash('sha256')
      .update(this.publicKey.export({ format: 'der', type: 'spki' }))
      .digest('base64url')
      .slice(0, 27);
  }

  /** The STS issuer of a tenant's tokens: stands in for `https://sts.windows.net/{tid}/`. */
  static issuerFor(authorityHost: string, tenantId: string): string {
    return `${authorityHost}/${tenantId}/`;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: this.keyId, n: jwk.n, e: jwk.e }] };
  }

  /** `audience`: the resource the token was asked for (`<resource>/.default`). */
  issue(
    app: AppRegistration,
    issuer: string,
    lifetimeSeconds: number,
    nowMs: number,
    audience = KEY_VAULT_RESOURCE,
  ): IssuedToken {
    const now = unixSeconds(nowMs);
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: issuer,
      iat: now - CLOCK_SKEW_SECONDS,
      nbf: now - CLOCK_SKEW_SECONDS,
      exp: now + lifetimeSeconds,
      appid: app.clientId,
      appidacr: '1',
      idp: issuer,
      idtyp: 'app',
      oid: app.objectId,
      sub: app.objectId,
      tid: app.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    const header = encode({ typ: 'JWT', alg: 'RS256', kid: this.keyId });
    const payload = encode(claims);
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey).toString(
      'base64url',
    );
    return { accessToken: `${header}.${payload}.${signature}`, expiresIn: lifetimeSeconds };
  }

  /** Signature first, then audience, issuer and lifetime, in the order a validator reports them. */
  check(token: string, expected: ExpectedToken, nowMs: number): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { valid: false, reason: 'malformed' };
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decode<JwtHeader>(headerPart);
    const claims = decode<Partial<AccessTokenClaims>>(payloadPart);
    if (!header || !claims || header.alg !== 'RS256') return { valid: false, reason: 'malformed' };
    if (header.kid !== this.keyId) return { valid: false, reason: 'unknown-signing-key' };
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    if (!verify('sha256', signed, this.publicKey, Buffer.from(signaturePart, 'base64url'))) {
      return { valid: false, reason: 'bad-signature' };
    }
    return checkClaims(claims, expected, unixSeconds(nowMs));
  }
}

function checkClaims(claims: Partial<AccessTokenClaims>, expected: ExpectedToken, now: number): TokenCheck {
  if (claims.aud !== expected.audience)
    return { valid: false, reason: 'wrong-audience', found: String(claims.aud) };
  if (claims.iss !== expected.issuer)
    return { valid: false, reason: 'wrong-issuer', found: String(claims.iss) };
  if (typeof claims.exp !== 'number' || now >= claims.exp + CLOCK_SKEW_SECONDS) {
    return { valid: false, reason: 'expired' };
  }
  if (typeof claims.nbf === 'number' && now < claims.nbf - CLOCK_SKEW_SECONDS) {
    return { valid: false, reason: 'not-yet-valid' };
  }
  return { valid: true, claims: claims as AccessTokenClaims };
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(segment: string): T | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}
