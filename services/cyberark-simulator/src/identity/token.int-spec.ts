import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  TENANT,
  expectOk,
  postForm,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

describe('identity token endpoint (HTTP)', () => {
  let harness: Harness;
  let tokenUrl: string;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const valid = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET };

  beforeAll(async () => {
    harness = await startHarness();
    tokenUrl = `${harness.baseUrl}/t/${TENANT}/identity/oauth2/platformtoken`;
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
  });

  it('issues a Bearer token with expires_in for client credentials', async () => {
    const answer = await postForm(tokenUrl, form(valid));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts the mixed-case path IdentityCommand uses and a trailing slash', async () => {
    const answer = await postForm(
      `${harness.baseUrl}/t/${TENANT.toUpperCase()}/Identity/OAuth2/PlatformToken/`,
      form(valid),
    );
    expect(answer.status).toBe(200);
  });

  it('uses the tenant token TTL', async () => {
    await expectOk(harness.control('PUT', `/tenants/${TENANT}`, { behaviour: { tokenTtlSeconds: 5 } }));
    expect((await postForm(tokenUrl, form(valid))).json).toMatchObject({ expires_in: 5 });
  });

  it('answers 401 invalid_client for a wrong secret or an unknown client', async () => {
    for (const fields of [
      { ...valid, client_secret: 'wrong' },
      { ...valid, client_id: 'nobody@cyberark.cloud.1' },
    ]) {
      const answer = await postForm(tokenUrl, form(fields));
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      expect(answer.text).not.toContain('wrong');
    }
  });

  it('answers 400 unsupported_grant_type for another grant and invalid_request for a missing one or JSON', async () => {
    expect((await postForm(tokenUrl, form({ ...valid, grant_type: 'password' }))).json).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const missing = await postForm(tokenUrl, form({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }));
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'invalid_request' });
    const json = await postForm(tokenUrl, JSON.stringify(valid), 'application/json');
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 unauthorized_client for a service account that is not an OAuth confidential client', async () => {
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/service-accounts/plain-user`, {
        clientSecret: 'pw',
        isOauthConfidentialClient: false,
      }),
    );
    const answer = await postForm(tokenUrl, form({ ...valid, client_id: 'plain-user', client_secret: 'pw' }));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'unauthorized_client' });
  });

  it('issues JWTs with an exp claim when the tenant asks for them', async () => {
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}`, {
        behaviour: { tokenFormat: 'jwt', tokenTtlSeconds: 120 },
      }),
    );
    const token = await harness.token();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims.exp - claims.iat).toBe(120);
    expect((await harness.api('GET', '/Accounts', { token })).status).toBe(200);
  });
});

describe('bearer token checks on Privilege Cloud (HTTP)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
  });

  it('answers 401 PASWS006E without, with an unknown, or with a revoked token', async () => {
    const token = await harness.token();
    await expectOk(harness.control('POST', `/tenants/${TENANT}/tokens/revoke`, {}));
    for (const answer of [
      await harness.api('GET', '/Accounts'),
      await harness.api('GET', '/Accounts', { token: 'made-up' }),
      await harness.api('GET', '/Accounts', { token }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS006E' });
    }
  });

  it('answers 401 once the token has expired', async () => {
    await expectOk(harness.control('PUT', `/tenants/${TENANT}`, { behaviour: { tokenTtlSeconds: 1 } }));
    const token = await harness.token();
    expect((await harness.api('GET', '/Accounts', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await harness.api('GET', '/Accounts', { token })).status).toBe(401);
  });

  it("refuses another tenant's token", async () => {
    await expectOk(harness.control('PUT', '/tenants/other', {}));
    await expectOk(
      harness.control('PUT', `/tenants/other/service-accounts/${encodeURIComponent(CLIENT_ID)}`, {
        clientSecret: CLIENT_SECRET,
      }),
    );
    const otherToken = await harness.token({ tenant: 'other' });
    expect((await harness.api('GET', '/Accounts', { token: otherToken })).status).toBe(401);
    expect((await harness.api('GET', '/Accounts', { token: otherToken, tenant: 'other' })).status).toBe(200);
  });

  it('answers 401 with an empty body when the tenant switch says so', async () => {
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}`, { behaviour: { unauthorizedBody: 'empty' } }),
    );
    const answer = await harness.api('GET', '/Accounts', { token: 'made-up' });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('');
  });

  it('refuses tokens of a deleted service account', async () => {
    const token = await harness.token();
    await expectOk(
      harness.control('DELETE', `/tenants/${TENANT}/service-accounts/${encodeURIComponent(CLIENT_ID)}`),
    );
    expect((await harness.api('GET', '/Accounts', { token })).status).toBe(401);
  });
});
