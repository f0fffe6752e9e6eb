import { createPublicKey, verify } from 'node:crypto';
import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { type App, type Harness, startHarness } from '../../test/simulator-harness';

interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

const SCOPE = 'https://vault.azure.net/.default';

describe('Entra ID simulator (authority host)', () => {
  let harness: Harness;
  let app: App;
  let host: string;

  const tokenRequest = (tenant: string, form: Record<string, string>) =>
    harness.https('POST', `${host}/${tenant}/oauth2/v2.0/token`, {
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(form).toString(),
    });
  const clientCredentials = (overrides: Record<string, string> = {}) => ({
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope: SCOPE,
    ...overrides,
  });

  beforeAll(async () => {
    harness = await startHarness();
    host = harness.simulator.authorityHost;
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    app = await harness.newApp();
  });

  describe('discovery', () => {
    it('serves the v2.0 OpenID configuration MSAL reads, with the issuer on the authority host', async () => {
      const answer = await harness.https(
        'GET',
        `${host}/${app.tenantId}/v2.0/.well-known/openid-configuration`,
      );
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        issuer: `${host}/${app.tenantId}/v2.0`,
        token_endpoint: `${host}/${app.tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${host}/${app.tenantId}/oauth2/v2.0/authorize`,
        jwks_uri: `${host}/${app.tenantId}/discovery/v2.0/keys`,
      });
      const v1 = await harness.https('GET', `${host}/${app.tenantId}/.well-known/openid-configuration`);
      expect(v1.json).toMatchObject({
        issuer: `${host}/${app.tenantId}/`,
        token_endpoint: `${host}/${app.tenantId}/oauth2/token`,
      });
    });

    it('answers discovery for an unknown tenant 400 invalid_tenant AADSTS90002', async () => {
      const answer = await harness.https(
        'GET',
        `${host}/no-such-tenant/v2.0/.well-known/openid-configuration`,
      );
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    });
  });

  describe('the token endpoint', () => {
    it('issues an RS256 access token for Key Vault that verifies against the published JWKS', async () => {
      const answer = await tokenRequest(app.tenantId, clientCredentials());
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toContain('no-store');
      const body = answer.json as {
        token_type: string;
        expires_in: number;
        ext_expires_in: number;
        access_token: string;
      };
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
      const [header, payload, signature] = body.access_token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const state = await harness.control<{
        tenants: { tenantId: string; apps: { clientId: string; objectId: string }[] }[];
      }>('GET', '/state');
      const objectId = state.tenants.find((tenant) => tenant.tenantId === app.tenantId)?.apps[0]?.objectId;
      expect(claims).toMatchObject({
        aud: 'https://vault.azure.net',
        iss: `${host}/${app.tenantId}/`,
        tid: app.tenantId,
        appid: app.clientId,
        oid: objectId,
        idtyp: 'app',
      });
      expect(Number(claims.exp) - Number(claims.nbf)).toBe(3599 + 300);
      const jwks = await harness.https('GET', `${host}/${app.tenantId}/discovery/v2.0/keys`);
      const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string }).kid;
      const jwk = (jwks.json as { keys: { kid: string; n: string; e: string }[] }).keys.find(
        (key) => key.kid === kid,
      )!;
      const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
      expect(
        verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
      ).toBe(true);
    });

    it('accepts client_secret_basic as well as the form post', async () => {
      const basic = Buffer.from(
        `${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`,
      ).toString('base64');
      const answer = await harness.https('POST', `${host}/${app.tenantId}/oauth2/v2.0/token`, {
        headers: { authorization: `Basic ${basic}` },
        contentType: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
      });
      expect(answer.status).toBe(200);
    });

    it.each([
      ['unknown tenant', () => ['no-such-tenant', {}], 400, 'invalid_request', 90002],
      [
        'unknown client',
        () => [app.tenantId, { client_id: 'no-such-client' }],
        400,
        'unauthorized_client',
        700016,
      ],
      ['wrong secret', () => [app.tenantId, { client_secret: 'wrong' }], 401, 'invalid_client', 7000215],
      ['missing secret', () => [app.tenantId, { client_secret: '' }], 401, 'invalid_client', 7000216],
      [
        'scope without /.default',
        () => [app.tenantId, { scope: 'https://vault.azure.net/user_impersonation' }],
        400,
        'invalid_scope',
        70011,
      ],
      [
        'another resource',
        () => [app.tenantId, { scope: 'https://storage.azure.com/.default' }],
        400,
        'invalid_resource',
        500011,
      ],
      [
        'another grant',
        () => [app.tenantId, { grant_type: 'password' }],
        400,
        'unsupported_grant_type',
        70003,
      ],
      ['no grant type', () => [app.tenantId, { grant_type: '' }], 400, 'invalid_request', 900144],
    ] as const)('%s → %i %s AADSTS%i in Entra’s error shape', async (_case, input, status, error, code) => {
      const [tenant, overrides] = input() as [string, Record<string, string>];
      const form = Object.fromEntries(
        Object.entries(clientCredentials(overrides)).filter(([, value]) => value !== ''),
      );
      const answer = await tokenRequest(tenant, { ...form, 'client-request-id': 'corr-1234' });
      expect(answer.status).toBe(status);
      const body = answer.json as EntraErrorBody;
      expect(body).toMatchObject({ error, error_codes: [code], correlation_id: 'corr-1234' });
      expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
      expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
      expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.text).not.toContain(app.clientSecret);
    });

    it('stops accepting the old secret once the app is given a new one', async () => {
      await harness.control('PUT', `/tenants/${app.tenantId}/apps/${app.clientId}`, {
        clientSecret: 'rotated',
      });
      expect((await tokenRequest(app.tenantId, clientCredentials())).status).toBe(401);
      expect((await tokenRequest(app.tenantId, clientCredentials({ client_secret: 'rotated' }))).status).toBe(
        200,
      );
    });

    it('issues tokens with the configured lifetime', async () => {
      await harness.control('PATCH', '/switches', { tokenLifetimeSeconds: 600 });
      try {
        expect((await tokenRequest(app.tenantId, clientCredentials())).json).toMatchObject({
          expires_in: 600,
        });
      } finally {
        await harness.control('PATCH', '/switches', { tokenLifetimeSeconds: 3599 });
      }
    });
  });

  describe('through ClientSecretCredential', () => {
    it('gets a Key Vault token with disableInstanceDiscovery: one discovery GET, then the token POST', async () => {
      await harness.control('DELETE', '/counters');
      const before = Date.now();
      const token = await harness.credential(app).getToken(SCOPE);
      expect(token.token.split('.')).toHaveLength(3);
      expect(token.expiresOnTimestamp).toBeGreaterThanOrEqual(before + 3598_000);
      expect(
        (await harness.control<{ entra: Record<string, number> }>('GET', '/counters')).entra,
      ).toMatchObject({
        discovery: 1,
        token: 1,
      });
    });

    it('fails an unknown client with AuthenticationRequiredError carrying AADSTS700016', async () => {
      const failure = await harness
        .credential({ ...app, clientId: '00000000-0000-0000-0000-00000000dead' })
        .getToken(SCOPE)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthenticationRequiredError);
      expect((failure as Error).message).toMatch(/unauthorized_client[\s\S]*700016/);
    });

    it('fails an unknown tenant at discovery: CredentialUnavailableError endpoints_resolution_error (the 90002 is not surfaced)', async () => {
      const failure = await harness
        .credential({ ...app, tenantId: 'no-such-tenant' })
        .getToken(SCOPE)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CredentialUnavailableError);
      expect((failure as Error).message).toMatch(/^endpoints_resolution_error/);
    });
  });
});
