import { randomUUID } from 'node:crypto';
import { type Reply } from '../http/http.types';

/**
 * Entra ID's OAuth error answer: `{error, error_description: "AADSTSnnnn: … Trace ID … Correlation
 * ID … Timestamp …", error_codes, timestamp, trace_id, correlation_id, error_uri}`. The codes and
 * statuses are those of learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
export interface EntraErrorContext {
  authorityHost: string;
  /** MSAL sends `client-request-id`; Entra echoes it as the correlation id. */
  correlationId?: string;
  nowMs: number;
}

export function entraError(
  status: number,
  error: string,
  code: number,
  message: string,
  context: EntraErrorContext,
): Reply {
  const traceId = randomUUID();
  const correlationId = context.correlationId ?? randomUUID();
  const timestamp = new Date(context.nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers: entraHeaders(traceId),
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${context.authorityHost}/error?code=${code}`,
    },
  };
}

export function entraHeaders(requestId: string = randomUUID()): Record<string, string> {
  return { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': requestId };
}

export const EntraErrors = {
  tenantNotFound: (tenant: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      context,
    ),
  /** Discovery answers an unknown tenant with `invalid_tenant`, the token endpoint with `invalid_request`. */
  discoveryTenantNotFound: (tenant: string, context: EntraErrorContext): Reply => {
    const reply = EntraErrors.tenantNotFound(tenant, context);
    return { ...reply, body: { ...(reply.body as object), error: 'invalid_tenant' } };
  },
  applicationNotFound: (clientId: string, tenant: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      context,
    ),
  /** Learn documents 400 for AADSTS7000215; the service has been seen answering 401. 401 it is. */
  invalidClientSecret: (clientId: string, context: EntraErrorContext): Reply =>
    entraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      context,
    ),
  missingClientSecret: (context: EntraErrorContext): Reply =>
    entraError(
      401,
      'invalid_client',
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      context,
    ),
  missingParameter: (name: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
      context,
    ),
  unsupportedGrant: (grant: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
      context,
    ),
  invalidScope: (scope: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
      context,
    ),
  resourceNotFound: (resource: string, tenant: string, context: EntraErrorContext): Reply =>
    entraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      context,
    ),
  /** What an injected 429 looks like from Entra (tenant throttling). */
  throttled: (context: EntraErrorContext): Reply =>
    entraError(
      429,
      'temporarily_unavailable',
      90055,
      'There are too many incoming requests. Please try again later.',
      context,
    ),
  /** What an injected 5xx looks like from Entra. */
  transient: (status: number, context: EntraErrorContext): Reply =>
    entraError(
      status,
      'temporarily_unavailable',
      90033,
      'A transient error has occurred. Please try again.',
      context,
    ),
};
