import { Secret } from '@vault-backup/config';
import { CyberArkUnavailableError, isCyberArkError } from '../cyberark.errors';
import { type CyberArkClientObserver, notify } from '../cyberark.observer';
import { type HttpTransport } from '../transport/http.transport';
import { type TokenExpiryPolicy, refreshAt, resolveTokenLifetime } from './token-expiry';

export interface AccessToken {
  /** Ready for the `Authorization` header, e.g. `Bearer eyJ...`. */
  readonly authorization: Secret;
  /** After this instant (ms since epoch) the token is no longer handed out. */
  readonly refreshAtMs: number;
}

export interface TokenProviderOptions {
  readonly tenantKey: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly transport: HttpTransport;
  readonly policy: TokenExpiryPolicy;
  readonly observer?: CyberArkClientObserver;
  readonly now: () => number;
}

const ROUTE = 'oauth2/platformtoken';

/**
 * ISPSS platform token for one service user: OAuth2 client credentials, cached until shortly before
 * it expires, and fetched by at most one request at a time however many calls are waiting.
 */
export class TokenProvider {
  readonly #options: TokenProviderOptions;
  #current: AccessToken | undefined;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
  }

  getToken(): Promise<AccessToken> {
    const current = this.#current;
    if (current !== undefined && this.#options.now() < current.refreshAtMs) return Promise.resolve(current);
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Drops `token` if it is still the cached one; a token already replaced by a refresh is left alone. */
  invalidate(token: AccessToken): void {
    if (this.#current === token) this.#current = undefined;
  }

  async #fetch(): Promise<AccessToken> {
    const { transport, tokenUrl, clientId, clientSecret, observer, tenantKey } = this.#options;
    const issuedAt = this.#options.now();
    let text: string;
    try {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret.reveal(),
      });
      ({ text } = await transport.send({
        method: 'POST',
        url: tokenUrl,
        route: ROUTE,
        resource: 'token',
        // A second client-credentials grant just issues another token.
        idempotent: true,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        secrets: [clientSecret],
      }));
    } catch (error) {
      notify(
        observer,
        'onTokenRequest',
        tenantKey,
        isCyberArkError(error) ? error.errorClass : 'unavailable',
      );
      throw error;
    }
    const token = this.#readToken(text, issuedAt);
    notify(observer, 'onTokenRequest', tenantKey, 'issued');
    this.#current = token;
    return token;
  }

  #readToken(text: string, issuedAt: number): AccessToken {
    const { observer, tenantKey, policy } = this.#options;
    const body = parseTokenBody(text);
    if (body === undefined) {
      notify(observer, 'onTokenRequest', tenantKey, 'unavailable');
      throw new CyberArkUnavailableError(
        'invalid-response',
        `POST ${ROUTE} answered 2xx without an access_token`,
        {
          operation: `POST ${ROUTE}`,
        },
      );
    }
    const lifetime = resolveTokenLifetime(body.expiresIn, body.accessToken, issuedAt, policy);
    if (lifetime.source === 'fallback') {
      notify(
        observer,
        'onWarning',
        tenantKey,
        `platform token has neither expires_in nor a JWT exp claim; assuming it lives ${policy.fallbackLifetimeMs / 1_000} s`,
      );
    }
    return {
      authorization: new Secret(`${body.tokenType} ${body.accessToken}`),
      refreshAtMs: refreshAt(issuedAt, lifetime.lifetimeMs, policy),
    };
  }
}

interface TokenBody {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: unknown;
}

function parseTokenBody(text: string): TokenBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const {
    access_token: accessToken,
    token_type: tokenType,
    expires_in: expiresIn,
  } = json as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') return undefined;
  const type = typeof tokenType === 'string' && tokenType.trim() !== '' ? tokenType.trim() : 'Bearer';
  return {
    accessToken: accessToken.trim(),
    tokenType: type.toLowerCase() === 'bearer' ? 'Bearer' : type,
    expiresIn,
  };
}
