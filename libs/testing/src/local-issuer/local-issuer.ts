import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export type SigningKey = 'trusted' | 'untrusted' | 'trusted-ec';

export interface MintOptions {
  /** Seconds from now; negative for an expired token. Default 300. */
  readonly expiresInSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string | string[];
  /** Seconds from now before which the token is not valid. */
  readonly notBeforeSeconds?: number;
  /** `untrusted`: a key the JWKS does not publish, under the trusted key's kid (a forged signature). */
  readonly key?: SigningKey;
  /** Leave a registered claim out entirely. */
  readonly omit?: readonly ('exp' | 'sub')[];
}

export interface TokenClaims extends JWTPayload {
  readonly sub?: string;
  readonly role?: string;
  readonly workspace_id?: string;
}

export interface InProcessIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** How many times the JWKS was fetched (caching tests). */
  readonly jwksFetches: () => number;
  mint(claims: TokenClaims, options?: MintOptions): Promise<string>;
  /** An unsigned `alg: none` token with these claims (must always be refused). */
  unsigned(claims: TokenClaims): string;
  stop(): Promise<void>;
}

/**
 * A token issuer inside the test process: RSA and EC keys generated now (never written anywhere),
 * the JWKS served on a loopback port, and a `mint` that can also forge what a real issuer never
 * would (expired, wrong issuer or audience, foreign key) so tests can prove each is refused.
 */
export async function startInProcessIssuer(options: { audience: string }): Promise<InProcessIssuer> {
  const [rsa, ec, foreign] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
  ]);
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'test-rsa', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'test-ec', alg: 'ES256', use: 'sig' },
    ] satisfies JWK[],
  };
  let fetches = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      return;
    }
    response.writeHead(404).end();
  });
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;

  const signingKey = (key: SigningKey) => {
    if (key === 'trusted-ec') return { key: ec.privateKey, alg: 'ES256', kid: 'test-ec' };
    return { key: key === 'untrusted' ? foreign.privateKey : rsa.privateKey, alg: 'RS256', kid: 'test-rsa' };
  };

  return {
    issuer,
    audience: options.audience,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwksFetches: () => fetches,
    async mint(claims, mintOptions = {}) {
      const { key, alg, kid } = signingKey(mintOptions.key ?? 'trusted');
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { ...claims };
      if (mintOptions.omit?.includes('sub')) delete payload.sub;
      let jwt = new SignJWT(payload)
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuedAt(now)
        .setIssuer(mintOptions.issuer ?? issuer)
        .setAudience(mintOptions.audience ?? options.audience);
      if (!mintOptions.omit?.includes('exp'))
        jwt = jwt.setExpirationTime(now + (mintOptions.expiresInSeconds ?? 300));
      if (mintOptions.notBeforeSeconds !== undefined)
        jwt = jwt.setNotBefore(now + mintOptions.notBeforeSeconds);
      return jwt.sign(key);
    },
    unsigned(claims) {
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: issuer, aud: options.audience, iat: now, exp: now + 300, ...claims })}.`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
