/**
 * Reads the failures of `@azure/identity` and the MSAL library under it without depending on MSAL's
 * classes (it is bundled inside `@azure/msal-node` and not a dependency of ours). Identity 4.13 wraps
 * most MSAL failures in `AuthenticationRequiredError` carrying only MSAL's message
 * (`invalid_client: Error(s): 7000215 - … Description: AADSTS7000215: …`); later versions also keep
 * MSAL's error as `cause`. Both are read here.
 */

const IDENTITY_ERROR_NAMES = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  // MSAL (msal-common, bundled in msal-node)
  'AuthError',
  'ClientAuthError',
  'ClientConfigurationError',
  'ServerError',
  'InteractionRequiredAuthError',
  'NetworkError',
]);

/** A failed answer the identity pipeline saw (discovery or token endpoint); MSAL itself drops these. */
export interface IdentityResponseRecord {
  readonly atMs: number;
  /** Undefined when no answer came (connection failed, timed out). */
  readonly status?: number;
  /** OAuth `error`, e.g. `invalid_tenant`, `invalid_client`. */
  readonly error?: string;
  readonly description?: string;
  /** Why no answer came, when none did. */
  readonly failure?: 'timeout' | 'connection';
}

export interface IdentityFailure {
  /** Names of the error and its causes, outermost first. */
  readonly names: readonly string[];
  /** MSAL `errorCode` or OAuth `error`: `invalid_client`, `network_error`, … */
  readonly oauthCode?: string;
  /** `AADSTSnnnn` codes found anywhere, e.g. `AADSTS7000215`. */
  readonly aadsts: readonly string[];
  readonly status?: number;
  /** The most useful human text: the AADSTS description when there is one. */
  readonly text: string;
}

type ErrorLike = Error & Record<string, unknown>;

function isErrorLike(value: unknown): value is ErrorLike {
  return value instanceof Error;
}

export function isIdentityError(error: unknown): boolean {
  return chainOf(error).some((link) => IDENTITY_ERROR_NAMES.has(link.name));
}

/** Undefined when neither the error nor any cause comes from `@azure/identity` or MSAL. */
export function readIdentityFailure(error: unknown): IdentityFailure | undefined {
  if (!isIdentityError(error)) return undefined;
  const chain = chainOf(error);
  const messages = chain.flatMap((link) => [
    link.message,
    ...(Array.isArray(link.errors)
      ? (link.errors as unknown[]).filter(isErrorLike).map((e) => e.message)
      : []),
  ]);
  const joined = messages.join(' | ');
  return {
    names: chain.map((link) => link.name),
    oauthCode: oauthCodeOf(chain, joined),
    aadsts: [...new Set([...joined.matchAll(/AADSTS\d+/g)].map((match) => match[0]))],
    status: statusOf(chain),
    text: descriptionOf(joined),
  };
}

function chainOf(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (isErrorLike(current) && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

function oauthCodeOf(chain: readonly ErrorLike[], joined: string): string | undefined {
  for (const link of chain) {
    if (typeof link.errorCode === 'string' && link.errorCode !== '') return link.errorCode;
    const response = link.errorResponse as { error?: unknown } | undefined;
    if (typeof response?.error === 'string' && response.error !== 'unknown') return response.error;
  }
  return /(?:^|\| )([a-z][a-z_]+[a-z]):/.exec(joined)?.[1];
}

function statusOf(chain: readonly ErrorLike[]): number | undefined {
  for (const link of chain) {
    for (const key of ['statusCode', 'status', 'httpStatus']) {
      const value = link[key];
      if (typeof value === 'number' && value > 0) return value;
    }
  }
  return undefined;
}

function descriptionOf(joined: string): string {
  const described = /Description: (.*?)(?: - Correlation ID| Trace ID|$)/.exec(joined)?.[1];
  if (described !== undefined && described.trim() !== '') return described;
  const aadsts = /(AADSTS\d+:.*?)(?: Trace ID|$)/.exec(joined)?.[1];
  if (aadsts !== undefined) return aadsts;
  // MSAL's own errors read `network_error: network_error: See https://aka.ms/msal.js.errors#network_error for details`.
  return joined
    .replace(/\s*See https:\/\/aka\.ms\/\S+ for details\.?/g, '')
    .replace(/^([a-z_]+): \1(?::|$)\s*/, '$1: ')
    .replace(/^([a-z_]+):\s*$/, '$1');
}
