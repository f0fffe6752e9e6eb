import { type CliRuntime } from '../cli/cli-runtime';
import { reasonOf } from '../api/admin-api.errors';
import { CliError } from '../cli/cli.errors';

export interface ClientCredentialsRequest {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Extra form parameters the issuer maps to claims (the local issuer reads `role` and `workspace_id`). */
  readonly extra: Readonly<Record<string, string | undefined>>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TIMEOUT_MS = 15_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) against an OpenID Connect issuer: the token endpoint
 * comes from its discovery document, the client authenticates with HTTP Basic (§2.3.1).
 */
export async function fetchClientCredentialsToken(
  runtime: Pick<CliRuntime, 'fetch'>,
  request: ClientCredentialsRequest,
): Promise<string> {
  const tokenEndpoint = await discoverTokenEndpoint(runtime, request.issuer);
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const [name, value] of Object.entries(request.extra)) if (value !== undefined) form.set(name, value);
  const basic = Buffer.from(
    `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`,
  ).toString('base64');
  const answer = await call(runtime, tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: form.toString(),
  });
  if (typeof answer.access_token !== 'string')
    throw new CliError(`${tokenEndpoint} answered without an access_token`);
  return answer.access_token;
}

async function discoverTokenEndpoint(runtime: Pick<CliRuntime, 'fetch'>, issuer: string): Promise<string> {
  const base = requireSecureUrl(issuer, '--issuer');
  const discovery = `${base.toString().replace(/\/$/, '')}/.well-known/openid-configuration`;
  const document = await call(runtime, discovery, { method: 'GET', headers: { accept: 'application/json' } });
  if (typeof document.token_endpoint !== 'string') throw new CliError(`${discovery} names no token_endpoint`);
  return requireSecureUrl(document.token_endpoint, 'token_endpoint').toString();
}

/** The client secret travels to these URLs: https only, except on loopback (the local demo issuer). */
function requireSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new CliError(`${what} must be https (http only on loopback): ${value}`);
}

async function call(
  runtime: Pick<CliRuntime, 'fetch'>,
  url: string,
  init: RequestInit,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await runtime.fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error: unknown) {
    throw new CliError(`cannot reach ${url}: ${reasonOf(error)}`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body;
  // RFC 6749 §5.2 error answer: `error` and an optional `error_description`, never a secret.
  const reason = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
  throw new CliError(`${url} answered HTTP ${response.status}${reason === '' ? '' : ` (${reason})`}`);
}
