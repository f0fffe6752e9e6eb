import { AccessTokenService } from './access-token';
import { EntraDirectory } from './entra-directory';
import { type TokenRequest, handleTokenRequest } from './token-endpoint';

const HOST = 'https://127.0.0.1:4443';

describe('handleTokenRequest', () => {
  const directory = new EntraDirectory();
  directory.putApp('tenant-a', 'app-1', 'secret-1');
  const deps = {
    directory,
    tokens: new AccessTokenService(),
    lifetimeSeconds: 3599,
    errors: { authorityHost: HOST, nowMs: 0 },
  };
  const form = (fields: Record<string, string>): TokenRequest => ({
    tenant: 'tenant-a',
    contentType: 'application/x-www-form-urlencoded',
    authorization: undefined,
    rawBody: new URLSearchParams(fields).toString(),
  });
  const valid = {
    grant_type: 'client_credentials',
    client_id: 'app-1',
    client_secret: 'secret-1',
    scope: 'https://vault.azure.net/.default',
  };
  const codeOf = (request: TokenRequest) =>
    (handleTokenRequest(request, deps).reply.body as { error_codes?: number[] }).error_codes?.[0];

  it('checks the tenant before anything else', () => {
    expect(codeOf({ ...form({}), tenant: 'nobody' })).toBe(90002);
  });

  it('reads a body that is not a form as empty: grant_type is missing', () => {
    expect(codeOf({ ...form(valid), contentType: 'application/json' })).toBe(900144);
  });

  it('checks client, then secret, then scope', () => {
    expect(codeOf(form({ ...valid, client_id: 'nobody', client_secret: 'x', scope: 'bad' }))).toBe(700016);
    expect(codeOf(form({ ...valid, client_secret: 'x', scope: 'bad' }))).toBe(7000215);
    expect(codeOf(form({ ...valid, scope: 'bad' }))).toBe(70011);
  });

  it('takes one /.default scope for Key Vault, ignoring OIDC scopes and a trailing slash', () => {
    expect(
      handleTokenRequest(
        form({ ...valid, scope: 'openid https://vault.azure.net//.default offline_access' }),
        deps,
      ).reply.status,
    ).toBe(200);
    expect(
      codeOf(
        form({ ...valid, scope: 'https://vault.azure.net/.default https://storage.azure.com/.default' }),
      ),
    ).toBe(70011);
    expect(codeOf(form({ ...valid, scope: 'https://management.azure.com/.default' }))).toBe(500011);
  });

  it.each([
    ['https://vault.azure.net/.default', 'https://vault.azure.net'],
    ['https://vault.azure.cn/.default', 'https://vault.azure.cn'],
    ['https://vault.usgovcloudapi.net//.default', 'https://vault.usgovcloudapi.net'],
  ])('issues a token for %s with audience %s (one Entra ID for the three clouds)', (scope, audience) => {
    const reply = handleTokenRequest(form({ ...valid, scope }), deps).reply;
    const token = (reply.body as { access_token: string }).access_token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      aud: string;
    };
    expect(claims.aud).toBe(audience);
  });

  it('accepts client_secret_basic and reports the client id for the log', () => {
    const basic = Buffer.from('app-1:secret-1').toString('base64');
    const outcome = handleTokenRequest(
      { ...form({ grant_type: 'client_credentials', scope: valid.scope }), authorization: `Basic ${basic}` },
      deps,
    );
    expect(outcome).toMatchObject({ reply: { status: 200 }, clientId: 'app-1' });
  });

  it('echoes the correlation id MSAL sends in the form', () => {
    const reply = handleTokenRequest(
      form({ ...valid, client_secret: 'x', 'client-request-id': 'abc-123' }),
      deps,
    ).reply;
    expect(reply.body).toMatchObject({ correlation_id: 'abc-123' });
    expect((reply.body as { error_description: string }).error_description).toContain(
      'Correlation ID: abc-123',
    );
  });
});
