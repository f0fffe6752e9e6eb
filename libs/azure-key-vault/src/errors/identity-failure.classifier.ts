import { type IdentityFailure, type IdentityResponseRecord } from './identity-failure.reader';
import { type KeyVaultProblem } from './key-vault-problems';

/** MSAL and identity codes that mean "Entra ID is not answering properly right now". */
const IDENTITY_UNAVAILABLE_CODES = new Set([
  'network_error',
  'no_network_connectivity',
  'endpoints_resolution_error',
  'openid_config_error',
  'server_error',
  'temporarily_unavailable',
]);

/** AADSTS codes of transient Entra ID conditions (throttling, transient errors). */
const TRANSIENT_AADSTS = new Set(['AADSTS50196', 'AADSTS90033', 'AADSTS90051']);

/** The SDK's sentence also advises `additionallyAllowedTenants`, which is not the fix here. */
export function tenantMismatchText(text: string): string {
  const tenant = /for tenant ([\w.-]+?)\.?(?:\s|$)/.exec(text)?.[1];
  return tenant === undefined
    ? 'the vault names another tenant than the configured one'
    : `the vault's directory is tenant ${tenant}, not the configured one`;
}

/** Which problem an identity or MSAL failure is, with what the identity pipeline saw of Entra's answer. */
export function classifyIdentityFailure(
  identity: IdentityFailure,
  response?: IdentityResponseRecord,
): KeyVaultProblem {
  const joined = identity.text;
  if (identity.names.includes('AbortError')) return 'timeout';
  if (/not configured to acquire tokens for tenant/i.test(joined)) return 'tenant-mismatch';
  if (identity.names.includes('ClientConfigurationError')) return 'configuration-invalid';
  if (identity.aadsts.some((code) => TRANSIENT_AADSTS.has(code))) return 'identity-unavailable';
  if (identity.aadsts.length > 0) return 'authentication-failed';
  const status = identity.status ?? response?.status;
  if (status !== undefined && (status >= 500 || status === 429)) return 'identity-unavailable';
  if (identity.oauthCode !== undefined && IDENTITY_UNAVAILABLE_CODES.has(identity.oauthCode)) {
    // MSAL says "network" for any failed discovery; the recorded answer tells a refused tenant apart.
    return response?.status !== undefined && response.status >= 400 && response.status < 500
      ? 'authentication-failed'
      : 'identity-unavailable';
  }
  if (identity.oauthCode !== undefined && /^(invalid|unauthorized)_/.test(identity.oauthCode)) {
    return 'authentication-failed';
  }
  const unavailable =
    identity.names[0] === 'CredentialUnavailableError' ||
    identity.names[0] === 'AggregateAuthenticationError';
  return unavailable ? 'credential-unavailable' : 'authentication-failed';
}

/** MSAL's code and text, and Entra's recorded answer (MSAL itself only says "network error"). */
export function describeIdentityFailure(
  identity: IdentityFailure,
  response: IdentityResponseRecord | undefined,
  text: string,
): string {
  const code =
    identity.oauthCode === undefined || text.startsWith(identity.oauthCode) ? '' : `${identity.oauthCode}: `;
  return `${code}${text}${describeResponse(response)}`;
}

function describeResponse(response: IdentityResponseRecord | undefined): string {
  if (response === undefined) return '';
  if (response.status !== undefined) {
    return `; Entra ID answered HTTP ${response.status}${response.error === undefined ? '' : ` ${response.error}`}`;
  }
  return response.failure === 'timeout'
    ? '; Entra ID did not answer in time'
    : '; Entra ID could not be reached';
}
