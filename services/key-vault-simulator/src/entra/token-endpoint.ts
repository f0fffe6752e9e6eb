import { type Reply } from '../http/http.types';
import { KEY_VAULT_RESOURCES } from '../clouds/azure-clouds';
import { AccessTokenService } from './access-token';
import { type EntraDirectory } from './entra-directory';
import { type EntraErrorContext, EntraErrors, entraHeaders } from './entra.errors';

export interface TokenRequest {
  tenant: string;
  contentType: string | undefined;
  authorization: string | undefined;
  rawBody: string;
}

export interface TokenEndpointDeps {
  directory: EntraDirectory;
  tokens: AccessTokenService;
  lifetimeSeconds: number;
  errors: EntraErrorContext;
}

export interface TokenOutcome {
  reply: Reply;
  /** The client id the request named, for the request log. */
  clientId?: string;
}

/** OIDC scopes MSAL may add; client credentials ignore them. */
const IGNORED_SCOPES = new Set(['openid', 'profile', 'offline_access']);
const DEFAULT_SUFFIX = '/.default';

/**
 * `POST /{tenant}/oauth2/v2.0/token`, client credentials with a client secret (form post or HTTP
 * Basic). Checked in this order: tenant, grant type, client, secret, scope. A body that is not a
 * form reads as empty, so it fails like Entra does: `grant_type` is missing.
 */
export function handleTokenRequest(request: TokenRequest, deps: TokenEndpointDeps): TokenOutcome {
  const { directory } = deps;
  const form = readForm(request);
  // MSAL sends its correlation id as a form field; Entra echoes it in errors.
  const correlationId = deps.errors.correlationId ?? form.get('client-request-id') ?? undefined;
  const errors: EntraErrorContext = { ...deps.errors, ...(correlationId ? { correlationId } : {}) };
  if (!directory.getTenant(request.tenant))
    return { reply: EntraErrors.tenantNotFound(request.tenant, errors) };
  const grantType = form.get('grant_type');
  if (!grantType) return { reply: EntraErrors.missingParameter('grant_type', errors) };
  if (grantType !== 'client_credentials') return { reply: EntraErrors.unsupportedGrant(grantType, errors) };
  const { clientId, clientSecret } = clientCredentials(form, request.authorization);
  if (!clientId) return { reply: EntraErrors.missingParameter('client_id', errors) };
  const outcome = (reply: Reply): TokenOutcome => ({ reply, clientId });
  if (!directory.getApp(request.tenant, clientId)) {
    return outcome(EntraErrors.applicationNotFound(clientId, request.tenant, errors));
  }
  if (!clientSecret) return outcome(EntraErrors.missingClientSecret(errors));
  const authentication = directory.authenticate(request.tenant, clientId, clientSecret);
  if (authentication.kind !== 'authenticated')
    return outcome(EntraErrors.invalidClientSecret(clientId, errors));
  const scope = checkScope(form.get('scope'), request.tenant, errors);
  if ('reply' in scope) return outcome(scope.reply);
  const app = authentication.app;
  const issuer = AccessTokenService.issuerFor(errors.authorityHost, app.tenantId);
  const issued = deps.tokens.issue(app, issuer, deps.lifetimeSeconds, errors.nowMs, scope.resource);
  return outcome({
    status: 200,
    headers: entraHeaders(),
    body: {
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ext_expires_in: issued.expiresIn,
      access_token: issued.accessToken,
    },
  });
}

function readForm(request: TokenRequest): URLSearchParams {
  const isForm = request.contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') ?? false;
  return new URLSearchParams(isForm ? request.rawBody : '');
}

/** `client_secret_post` or `client_secret_basic` (RFC 6749 §2.3.1: both parts form-url-encoded). */
function clientCredentials(
  form: URLSearchParams,
  authorization: string | undefined,
): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, separator)),
        clientSecret: decodeURIComponent(decoded.slice(separator + 1)),
      };
    }
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    clientSecret: form.get('client_secret') ?? undefined,
  };
}

/**
 * Client credentials take exactly one `<resource>/.default` scope; the only known resources are Key
 * Vault's, of the three clouds (real Entra ID knows one per cloud, each at its own authority).
 */
function checkScope(
  scope: string | null,
  tenant: string,
  errors: EntraErrorContext,
): { resource: string } | { reply: Reply } {
  if (scope === null || scope.trim() === '') return { reply: EntraErrors.missingParameter('scope', errors) };
  const scopes = scope.split(/\s+/).filter((item) => item.length > 0 && !IGNORED_SCOPES.has(item));
  const [only] = scopes;
  if (scopes.length !== 1 || !only?.endsWith(DEFAULT_SUFFIX)) {
    return { reply: EntraErrors.invalidScope(scope, errors) };
  }
  const resource = only.slice(0, -DEFAULT_SUFFIX.length);
  const known = resource.replace(/\/+$/, '');
  if (!KEY_VAULT_RESOURCES.includes(known)) {
    return { reply: EntraErrors.resourceNotFound(resource, tenant, errors) };
  }
  return { resource: known };
}
