import { type Secret } from '@vault-backup/config';
import { CyberArkAuthError, CyberArkUnavailableError } from '../cyberark.errors';
import { type ResourceKind } from '../errors/error.mapper';
import { type AccessToken, type TokenProvider } from '../token/token.provider';
import { type HttpMethod, type HttpTransport, type TransportResponse } from '../transport/http.transport';

export interface ApiCall {
  readonly method: HttpMethod;
  /** Absolute URL, built by `TenantUrls`. */
  readonly url: string;
  /** Route template for metrics and messages, e.g. `Accounts/{id}`. */
  readonly route: string;
  readonly resource: ResourceKind;
  readonly idempotent: boolean;
  /** JSON text; may contain a revealed secret. */
  readonly body?: string;
  readonly secrets?: readonly Secret<unknown>[];
}

/**
 * Sends Privilege Cloud API calls with the tenant's bearer token. A 401 means the token was revoked
 * or expired early: the token is dropped, refreshed once, and the call repeated once. A second 401
 * is a real authentication failure.
 */
export class PrivilegeCloudRequester {
  constructor(
    private readonly transport: HttpTransport,
    private readonly tokens: TokenProvider,
  ) {}

  async send(call: ApiCall): Promise<TransportResponse> {
    const token = await this.tokens.getToken();
    try {
      return await this.#sendWith(call, token);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      this.tokens.invalidate(token);
    }
    const fresh = await this.tokens.getToken();
    try {
      return await this.#sendWith(call, fresh);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      throw new CyberArkAuthError(
        `${call.method} ${call.route} was refused (HTTP 401) even with a freshly issued token`,
        {
          operation: error.operation,
          status: error.status,
          cyberArkCode: error.cyberArkCode,
          detailCodes: error.detailCodes,
        },
      );
    }
  }

  /** Sends and parses a JSON answer; an empty body reads as `undefined`. */
  async json(call: ApiCall): Promise<unknown> {
    const response = await this.send(call);
    return parseJson(response.text, `${call.method} ${call.route}`);
  }

  #sendWith(call: ApiCall, token: AccessToken): Promise<TransportResponse> {
    const headers: Record<string, string> = { Authorization: token.authorization.reveal() };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.transport.send({ ...call, headers });
  }
}

function isUnauthorized(error: unknown): error is CyberArkAuthError {
  return error instanceof CyberArkAuthError && error.status === 401;
}

export function parseJson(text: string, operation: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CyberArkUnavailableError(
      'invalid-response',
      `${operation} answered 2xx with a body that is not JSON`,
      {
        operation,
      },
    );
  }
}
