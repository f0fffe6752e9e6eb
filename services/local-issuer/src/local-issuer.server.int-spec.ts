import { createRemoteJWKSet, jwtVerify } from 'jose';
import { loadLocalIssuerConfig } from './local-issuer.config';
import { type RunningIssuer, startLocalIssuer } from './local-issuer.server';

describe('local issuer', () => {
  let issuer: RunningIssuer;

  beforeAll(async () => {
    issuer = await startLocalIssuer({ port: 0, audience: 'vault-backup-admin', maxLifetimeSeconds: 3_600 });
  });

  afterAll(() => issuer.close());

  const post = (body: unknown) =>
    fetch(`${issuer.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('mints a token that verifies against its JWKS with issuer and audience', async () => {
    const response = await post({ sub: 'user-1', role: 'admin', workspace_id: 'ws-1', expiresIn: 120 });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${issuer.issuer}/.well-known/jwks.json`)),
      {
        issuer: issuer.issuer,
        audience: 'vault-backup-admin',
      },
    );
    expect(payload).toMatchObject({ sub: 'user-1', role: 'admin', workspace_id: 'ws-1' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
  });

  it.each([
    [{ sub: 'u', role: 'root', workspace_id: 'ws-1' }],
    [{ sub: 'u', role: 'admin' }],
    [{ sub: 'u', role: 'admin', workspace_id: 'ws-1', extra: true }],
    [{ sub: 'u', role: 'operator', expiresIn: 999_999 }],
    ['not json'],
  ])('refuses %j with 400', async (body) => {
    expect((await post(body)).status).toBe(400);
  });

  it('publishes an OIDC discovery document naming its token endpoint', async () => {
    const discovery = (await (
      await fetch(`${issuer.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: `${issuer.issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer.issuer}/oauth2/token`,
      grant_types_supported: ['client_credentials'],
    });
  });

  it('mints a token for OAuth 2.0 client credentials, role and workspace as extra parameters', async () => {
    const response = await fetch(`${issuer.issuer}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('alice:any-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials&role=operator_replay',
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${issuer.issuer}/.well-known/jwks.json`)),
      { issuer: issuer.issuer, audience: 'vault-backup-admin' },
    );
    expect(payload).toMatchObject({ sub: 'alice', role: 'operator_replay' });
  });

  it('answers a bad client-credentials request with an OAuth error', async () => {
    const response = await fetch(`${issuer.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=alice&role=admin&workspace_id=ws-1',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('serves nothing else', async () => {
    expect((await fetch(`${issuer.issuer}/admin`)).status).toBe(404);
  });

  it('refuses to run in production', () => {
    expect(() => loadLocalIssuerConfig({ NODE_ENV: 'production' })).toThrow(/refuses to run/);
    expect(loadLocalIssuerConfig({}).port).toBe(18_090);
  });
});
