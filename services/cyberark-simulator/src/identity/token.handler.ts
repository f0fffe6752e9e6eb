import { timingSafeEqual } from 'node:crypto';
import { type Reply } from '../http/http.types';
import { hashClientSecret, type TenantState } from '../state/tenant-state';
import { type TokenIssuer } from './token-issuer';

export interface TokenRequest {
  contentType: string | undefined;
  rawBody: string;
}

/** OAuth 2.0 error answer (RFC 6749 §5.2), the shape IdentityCommand and psPAS parse. */
function oauthError(status: number, error: string, description: string): Reply {
  return {
    status,
    body: { error, error_description: description },
    headers: { 'cache-control': 'no-store' },
  };
}

/**
 * `POST {identity}/oauth2/platformtoken`, client-credentials only (reference §1.1). A known
 * account that is not an OAuth confidential client gets 400 `unauthorized_client`, as RFC 6749
 * §5.2 prescribes for a client not allowed to use the grant.
 */
export function issuePlatformToken(tenant: TenantState, request: TokenRequest, issuer: TokenIssuer): Reply {
  if (!request.contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(request.rawBody);
  const grantType = form.get('grant_type');
  if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required.');
  if (grantType !== 'client_credentials')
    return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported.');
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (!clientId || !clientSecret)
    return oauthError(400, 'invalid_request', 'client_id and client_secret are required.');
  const account = tenant.getServiceAccount(clientId);
  if (!account || !timingSafeEqual(account.secretHash, hashClientSecret(clientSecret))) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  }
  if (!account.isOauthConfidentialClient) {
    return oauthError(400, 'unauthorized_client', 'The client is not an OAuth confidential client.');
  }
  const { accessToken, expiresIn } = issuer.issue(tenant, account.clientId, Date.now());
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn },
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  };
}
