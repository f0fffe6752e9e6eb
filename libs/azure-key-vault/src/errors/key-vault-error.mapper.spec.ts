import { createRestError } from '@azure-rest/core-client';
import { RestError, createPipelineRequest } from '@azure/core-rest-pipeline';
import {
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
} from '@azure/identity';
import { ClientAuthError, ClientConfigurationError, ServerError } from '@azure/msal-node';
import { Secret } from '@vault-backup/config';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { KEY_VAULT_ERROR_CLASSES, KEY_VAULT_PROBLEMS, KeyVaultError } from '../key-vault.errors';
import { type FailureContext, toKeyVaultError } from './key-vault-error.mapper';
import { VaultErrorBodies } from './vault-error-body';

const KID = 'https://acme.vault.azure.net/keys/backup/0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2026-03-01T12:00:00Z');

/** A Key Vault error answer turned into a RestError exactly as the generated SDK code does it. */
function vaultError(
  status: number,
  error: { code?: string; message?: string; innererror?: { code: string } },
  headers: Record<string, string> = {},
  bodies?: VaultErrorBodies,
): RestError {
  const request = createPipelineRequest({ url: `${KID}/unwrapkey?api-version=7.6`, method: 'POST' });
  bodies?.record(request, JSON.stringify({ error }));
  return createRestError({ status: String(status), body: { error }, headers, request });
}

function networkError(code: string, message: string): RestError {
  const request = createPipelineRequest({ url: `${KID}/unwrapkey`, method: 'POST' });
  return new RestError(message, { code, request });
}

const context = (overrides: Partial<FailureContext> = {}): FailureContext => ({
  operation: 'unwrap-key',
  nowMs: NOW,
  ...overrides,
});

/** MSAL's message for a token endpoint error, as msal-common's ResponseHandler builds it. */
function msalServerError(error: string, aadsts: number, description: string, status: number): ServerError {
  return new ServerError(
    error,
    'corr-1',
    `Error(s): ${aadsts} - Timestamp: 2026-03-01 12:00:00Z - Description: AADSTS${aadsts}: ${description} Trace ID: t-1 Correlation ID: c-1 - Correlation ID: c-1 - Trace ID: t-1`,
    '',
    String(aadsts),
    status,
  );
}

/** What @azure/identity 4.13 throws for an MSAL failure: the message only. */
const identity413 = (msal: Error): AuthenticationRequiredError =>
  new AuthenticationRequiredError({ scopes: ['https://vault.azure.net/.default'], message: msal.message });

/** What @azure/identity 4.14+ throws: the message and MSAL's error as cause. */
const identity414 = (msal: Error): AuthenticationRequiredError =>
  new AuthenticationRequiredError({
    scopes: ['https://vault.azure.net/.default'],
    message: msal.message,
    cause: msal,
  });

describe('toKeyVaultError: Key Vault answers (real RestError from the SDK path)', () => {
  it('no role: 403 ForbiddenByRbac → forbidden, access revoked, with the role fix', () => {
    const bodies = new VaultErrorBodies();
    const error = toKeyVaultError(
      vaultError(
        403,
        {
          code: 'Forbidden',
          message:
            "Caller is not authorized to perform action on resource.\r\nIf role assignments were changed recently, please observe propagation time.\r\nAction: 'Microsoft.KeyVault/vaults/keys/unwrap/action'",
          innererror: { code: 'ForbiddenByRbac' },
        },
        {},
        bodies,
      ),
      context({ errorBodies: bodies }),
    );
    expect(error).toMatchObject({
      problem: 'forbidden',
      errorClass: 'key-access-revoked',
      retriable: true,
      status: 403,
      vaultCode: 'Forbidden/ForbiddenByRbac',
      evidence: 'vault-code',
      code: 'KEY_VAULT_FORBIDDEN',
    });
    expect(error.fix).toContain('Key Vault Crypto Service Encryption User');
    expect(error.message).not.toMatch(/\r|\n/);
  });

  it('reads the role problem from the text when the body was not recorded', () => {
    const error = toKeyVaultError(
      vaultError(403, {
        code: 'Forbidden',
        message: 'Caller is not authorized to perform action on resource.',
      }),
      context(),
    );
    expect(error).toMatchObject({ problem: 'forbidden', evidence: 'message', vaultCode: 'Forbidden' });
  });

  it('disabled key: 403 KeyDisabled → key-disabled (access revoked, retriable)', () => {
    const bodies = new VaultErrorBodies();
    const error = toKeyVaultError(
      vaultError(
        403,
        {
          code: 'Forbidden',
          message: 'Operation unwrapKey is not allowed on a disabled key.',
          innererror: { code: 'KeyDisabled' },
        },
        {},
        bodies,
      ),
      context({ errorBodies: bodies }),
    );
    expect(error).toMatchObject({
      problem: 'key-disabled',
      errorClass: 'key-access-revoked',
      retriable: true,
    });
    const byText = toKeyVaultError(
      vaultError(403, {
        code: 'Forbidden',
        message: 'Operation unwrapKey is not allowed on a disabled key.',
      }),
      context(),
    );
    expect(byText.problem).toBe('key-disabled');
  });

  it.each([
    [
      'ForbiddenByFirewall',
      'Client address is not authorized and caller is not a trusted service.',
      'network-access-denied',
    ],
    [undefined, 'Operation wrapKey is not allowed on an expired key.', 'key-expired'],
    [undefined, 'Operation wrapKey is not allowed: the key is not yet valid.', 'key-not-yet-valid'],
    [undefined, 'Operation wrapKey is not permitted on this key.', 'operation-not-permitted'],
    [undefined, 'Forbidden.', 'forbidden'],
  ])('403 %s "%s" → %s', (inner, message, problem) => {
    const bodies = new VaultErrorBodies();
    const error = toKeyVaultError(
      vaultError(
        403,
        { code: 'Forbidden', message, ...(inner ? { innererror: { code: inner } } : {}) },
        {},
        bodies,
      ),
      context({ errorBodies: bodies }),
    );
    expect(error.problem).toBe(problem);
  });

  it('a bare 403 is a guess the adapter may refine (evidence status)', () => {
    expect(toKeyVaultError(vaultError(403, {}), context()).evidence).toBe('status');
  });

  it('unknown kid / version: 404 KeyNotFound → key-not-found, permanent', () => {
    const error = toKeyVaultError(
      vaultError(404, {
        code: 'KeyNotFound',
        message: 'A key with (name/id) backup/0123 was not found in this key vault.',
      }),
      context(),
    );
    expect(error).toMatchObject({
      problem: 'key-not-found',
      errorClass: 'secret-decryption-failed',
      retriable: false,
      evidence: 'vault-code',
    });
  });

  it('tampered wrapped key: 400 BadParameter OAEP → unwrap-refused, permanent', () => {
    const error = toKeyVaultError(
      vaultError(400, { code: 'BadParameter', message: 'Error occurred while decoding OAEP padding.' }),
      context(),
    );
    expect(error).toMatchObject({
      problem: 'unwrap-refused',
      errorClass: 'secret-decryption-failed',
      retriable: false,
      evidence: 'message',
    });
  });

  it('another 400 on unwrap is unwrap-refused by status only; on wrap it is invalid-request', () => {
    const bad = vaultError(400, { code: 'BadParameter', message: 'Invalid algorithm for this key.' });
    expect(toKeyVaultError(bad, context())).toMatchObject({ problem: 'unwrap-refused', evidence: 'status' });
    expect(toKeyVaultError(bad, context({ operation: 'wrap-key' })).problem).toBe('invalid-request');
  });

  it('throttled with Retry-After: retriable, retryAfterMs from the header', () => {
    const error = toKeyVaultError(
      vaultError(
        429,
        { code: 'Throttled', message: 'Request was not processed because too many requests were received.' },
        { 'retry-after': '7' },
      ),
      context(),
    );
    expect(error).toMatchObject({
      problem: 'throttled',
      errorClass: 'key-vault-unavailable',
      retriable: true,
      retryAfterMs: 7_000,
    });
  });

  it('throttled without Retry-After: retriable, no retryAfterMs', () => {
    const error = toKeyVaultError(vaultError(429, { code: 'Throttled' }), context());
    expect(error.problem).toBe('throttled');
    expect(error.retriable).toBe(true);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('reads an HTTP-date Retry-After relative to now', () => {
    const error = toKeyVaultError(
      vaultError(429, { code: 'Throttled' }, { 'retry-after': new Date(NOW + 3_000).toUTCString() }),
      context(),
    );
    expect(error.retryAfterMs).toBe(3_000);
  });

  it.each([500, 502, 503, 504])('%i → service-unavailable, transient', (status) => {
    expect(toKeyVaultError(vaultError(status, { code: 'InternalServerError' }), context())).toMatchObject({
      problem: 'service-unavailable',
      errorClass: 'key-vault-unavailable',
      retriable: true,
    });
  });

  it('401 with an invalid issuer is a tenant mismatch; other 401s are authentication failures', () => {
    expect(
      toKeyVaultError(
        vaultError(401, {
          code: 'Unauthorized',
          message: 'AKV10032: Invalid issuer. Expected one of https://sts.windows.net/x/',
        }),
        context(),
      ).problem,
    ).toBe('tenant-mismatch');
    expect(toKeyVaultError(vaultError(401, { code: 'Unauthorized' }), context()).problem).toBe(
      'authentication-failed',
    );
  });

  it('never echoes tokens, long base64 values or the secret the server sent back', () => {
    const secret = new Secret('s3cr3t-client-value');
    const error = toKeyVaultError(
      vaultError(400, {
        code: 'BadParameter',
        message: `bad value ${'A'.repeat(700)} for Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and s3cr3t-client-value`,
      }),
      context({ operation: 'wrap-key', secrets: [secret] }),
    );
    expect(error.message).not.toContain('AAAAAAAA');
    expect(error.message).not.toContain('eyJ');
    expect(error.message).not.toContain('s3cr3t-client-value');
    expect(error.message.length).toBeLessThan(450);
  });
});

describe('toKeyVaultError: network (real RestError codes of the node HTTP client)', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443', 'vault-unreachable'],
    ['ECONNRESET', 'socket hang up', 'vault-unreachable'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND nope.vault.azure.net', 'vault-unreachable'],
    ['REQUEST_SEND_ERROR', 'something broke', 'vault-unreachable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'tls-failed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", 'tls-failed'],
    ['PARSE_ERROR', 'Error reading response as text', 'service-unavailable'],
  ])('%s → %s', (code, message, problem) => {
    const error = toKeyVaultError(networkError(code, message), context());
    expect(error.problem).toBe(problem);
    expect(error.errorClass).toBe('key-vault-unavailable');
  });

  it('a refused address (resolve-then-connect lookup) → url-not-allowed, permanent', () => {
    const error = toKeyVaultError(
      networkError(
        'URL_NOT_ALLOWED',
        'the tenant host resolves to an internal address, which is never contacted',
      ),
      context(),
    );
    expect(error).toMatchObject({ problem: 'url-not-allowed', retriable: false });
  });

  it('an abort (our request timeout or deadline) → timeout, transient', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    expect(toKeyVaultError(abort, context())).toMatchObject({ problem: 'timeout', retriable: true });
    expect(toKeyVaultError(new DOMException('signal timed out', 'TimeoutError'), context()).problem).toBe(
      'timeout',
    );
  });

  it('a UrlNotAllowedError thrown before any request → url-not-allowed', () => {
    expect(
      toKeyVaultError(new UrlNotAllowedError('host-not-allowed', 'must be a vault host'), context()).problem,
    ).toBe('url-not-allowed');
  });
});

describe('toKeyVaultError: Entra ID (real identity and MSAL classes)', () => {
  const wrongSecret = msalServerError(
    'invalid_client',
    7000215,
    'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
    401,
  );

  it.each([
    ['identity 4.13 (message only)', identity413(wrongSecret)],
    ['identity 4.14 (MSAL error as cause)', identity414(wrongSecret)],
    ['MSAL ServerError itself', wrongSecret],
  ])('wrong client secret via %s → authentication-failed, access revoked', (_label, thrown) => {
    const error = toKeyVaultError(thrown, context({ operation: 'get-token' }));
    expect(error).toMatchObject({
      problem: 'authentication-failed',
      errorClass: 'key-access-revoked',
      retriable: true,
      vaultCode: 'AADSTS7000215',
    });
    expect(error.message).toContain('AADSTS7000215: Invalid client secret provided');
    expect(error.fix).toContain('client secret');
  });

  it('an unknown tenant and an unknown application are authentication failures', () => {
    const tenant = msalServerError('invalid_request', 90002, "Tenant 'x' not found.", 400);
    const app = msalServerError(
      'unauthorized_client',
      700016,
      "Application with identifier 'y' was not found.",
      400,
    );
    expect(toKeyVaultError(identity413(tenant), context()).problem).toBe('authentication-failed');
    expect(toKeyVaultError(identity413(app), context()).problem).toBe('authentication-failed');
  });

  it('an AuthenticationError from the token endpoint: 5xx is unavailable, 400 is a failure', () => {
    const unavailable = new AuthenticationError(503, {
      error: 'temporarily_unavailable',
      error_description: 'busy',
    });
    expect(toKeyVaultError(unavailable, context()).problem).toBe('identity-unavailable');
    const refused = new AuthenticationError(400, {
      error: 'invalid_client',
      error_description: 'AADSTS7000222: The provided client secret keys are expired.',
    });
    expect(toKeyVaultError(refused, context())).toMatchObject({
      problem: 'authentication-failed',
      vaultCode: 'AADSTS7000222',
    });
  });

  it('MSAL network_error → identity-unavailable (transient), saying whether Entra ID timed out', () => {
    const network = new ClientAuthError('network_error', 'corr', 'Network request failed');
    expect(toKeyVaultError(identity413(network), context())).toMatchObject({
      problem: 'identity-unavailable',
      errorClass: 'key-vault-unavailable',
    });
    const bare = new ClientAuthError('network_error', 'corr');
    const error = toKeyVaultError(
      identity413(bare),
      context({ identityResponse: { atMs: NOW, failure: 'timeout' } }),
    );
    expect(error.message).toBe(
      'unwrap-key: Entra ID could not issue a token (network_error; Entra ID did not answer in time)',
    );
  });

  it('failed discovery: unavailable, unless the identity pipeline saw Entra refuse the tenant', () => {
    const discovery = new CredentialUnavailableError(
      'endpoints_resolution_error: Endpoints cannot be resolved',
    );
    expect(toKeyVaultError(discovery, context()).problem).toBe('identity-unavailable');
    const refused = toKeyVaultError(
      discovery,
      context({ identityResponse: { atMs: NOW, status: 400, error: 'invalid_tenant' } }),
    );
    expect(refused.problem).toBe('authentication-failed');
    expect(refused.message).toContain('HTTP 400 invalid_tenant');
  });

  it('a vault in another tenant than the credential → tenant-mismatch', () => {
    const error = new CredentialUnavailableError(
      'The current credential is not configured to acquire tokens for tenant 11111111-2222-3333-4444-555555555555. To enable acquiring tokens for this tenant add it to the additionallyAllowedTenants on the credential options.',
    );
    const mapped = toKeyVaultError(error, context());
    expect(mapped).toMatchObject({ problem: 'tenant-mismatch', errorClass: 'key-access-revoked' });
    expect(mapped.message).toContain(
      "the vault's directory is tenant 11111111-2222-3333-4444-555555555555, not the configured one",
    );
    expect(mapped.message).not.toContain('additionallyAllowedTenants');
  });

  it('a missing workload identity setup → credential-unavailable (operator problem, transient)', () => {
    const error = new CredentialUnavailableError(
      'WorkloadIdentityCredential: is unavailable. federatedTokenFilePath is a required parameter.',
    );
    expect(toKeyVaultError(error, context())).toMatchObject({
      problem: 'credential-unavailable',
      errorClass: 'key-vault-unavailable',
    });
  });

  it('MSAL ClientConfigurationError (bad authority) → configuration-invalid', () => {
    const error = new ClientConfigurationError(
      'untrusted_authority',
      'The provided authority is not a trusted authority.',
    );
    expect(toKeyVaultError(error, context()).problem).toBe('configuration-invalid');
  });
});

describe('toKeyVaultError: plain errors of the SDK', () => {
  it.each([
    [
      "The challenge resource 'vault.azure.net' does not match the requested domain. Set disableChallengeResourceVerification to true",
      'challenge-mismatch',
    ],
    ['Key https://a.vault.azure.net/keys/k/1 expired at 2020-01-01T00:00:00.000Z', 'key-expired'],
    [
      "Key https://a.vault.azure.net/keys/k/1 can't be used before 2030-01-01T00:00:00.000Z",
      'key-not-yet-valid',
    ],
    [
      'Operation wrapKey is not supported on key https://a.vault.azure.net/keys/k/1',
      'operation-not-permitted',
    ],
    ['x is not a valid Key Vault key ID', 'kid-not-trusted'],
    ['something nobody expected', 'unexpected-failure'],
  ])('"%s" → %s', (message, problem) => {
    expect(toKeyVaultError(new Error(message), context()).problem).toBe(problem);
  });

  it('keeps a KeyVaultError as it is', () => {
    const original = new KeyVaultError('kid-not-trusted', 'no');
    expect(toKeyVaultError(original, context())).toBe(original);
  });
});

describe('the problem catalogue', () => {
  it('gives every problem one of the three classes, a stable code and a fix', () => {
    for (const problem of KEY_VAULT_PROBLEMS) {
      const error = new KeyVaultError(problem, 'x');
      expect(KEY_VAULT_ERROR_CLASSES).toContain(error.errorClass);
      expect(error.code).toMatch(/^KEY_VAULT_[A-Z_]+$/);
      expect(error.fix.length).toBeGreaterThan(20);
      expect(error.retriable).toBe(error.errorClass !== 'secret-decryption-failed');
    }
  });

  it('serialises without the cause', () => {
    const error = new KeyVaultError(
      'throttled',
      'slow down',
      { retryAfterMs: 5 },
      { cause: new Error('inner') },
    );
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      problem: 'throttled',
      errorClass: 'key-vault-unavailable',
      retriable: true,
      retryAfterMs: 5,
      code: 'KEY_VAULT_THROTTLED',
    });
  });
});
