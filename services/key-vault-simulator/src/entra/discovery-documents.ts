/**
 * The OpenID Connect discovery documents MSAL reads, shaped like Entra ID's. MSAL requires
 * `authorization_endpoint`, `token_endpoint`, `issuer` and `jwks_uri`, and rejects an issuer
 * whose scheme, host and port differ from the authority's.
 */
export function openIdConfigurationV2(authorityHost: string, pathTenant: string, tenantId: string) {
  const base = `${authorityHost}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authorityHost}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: null,
    cloud_instance_name: 'key-vault-simulator',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  };
}

/** The v1.0 document (`/{tenant}/.well-known/openid-configuration`); its issuer is the STS one. */
export function openIdConfigurationV1(authorityHost: string, pathTenant: string, tenantId: string) {
  const base = `${authorityHost}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: `${authorityHost}/${tenantId}/`,
    authorization_endpoint: `${base}/oauth2/authorize`,
    end_session_endpoint: `${base}/oauth2/logout`,
    cloud_instance_name: 'key-vault-simulator',
  };
}

/**
 * Instance discovery (`/common/discovery/instance`). MSAL only asks when instance discovery is
 * on, and then asks login.microsoftonline.com, not this host; answered anyway for clients that
 * point their discovery at the simulator.
 */
export function instanceDiscovery(authorityHost: string, authorizationEndpoint: string | null) {
  const host = new URL(authorityHost).host;
  const tenantPath = authorizationEndpoint ? new URL(authorizationEndpoint).pathname.split('/')[1] : 'common';
  return {
    tenant_discovery_endpoint: `${authorityHost}/${tenantPath ?? 'common'}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
