import { type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';

/**
 * Hands the vault clients the last token they got while it is still valid when a refresh fails.
 *
 * Why: `@azure/keyvault-common` 2.1's token cycler refreshes in the background during a token's last
 * two minutes and nobody awaits that promise. If Entra ID fails until the token expires and no vault
 * call happens to join the refresh, its final failure is an unhandled rejection, which ends a Node
 * process (seen with the simulator: token lifetime 60 s, token endpoint answering 503). Returning the
 * still-valid token makes the background refresh succeed; once the token has expired, the failure
 * goes to a caller that awaits it (and becomes `identity-unavailable`). A claims challenge (CAE)
 * always needs a new token, so it never gets the old one.
 */
export class RefreshTolerantCredential implements TokenCredential {
  readonly #last = new Map<string, AccessToken>();

  constructor(
    private readonly inner: TokenCredential,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = `${options?.tenantId ?? ''}|${[scopes].flat().join(' ')}`;
    try {
      const token = await this.inner.getToken(scopes, options);
      if (token !== null) this.#last.set(key, token);
      return token;
    } catch (error) {
      const last = this.#last.get(key);
      if (options?.claims === undefined && last !== undefined && last.expiresOnTimestamp > this.now()) {
        return last;
      }
      throw error;
    }
  }
}
