import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  SAFE,
  TENANT,
  expectOk,
  newAccount,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

describe('control API (HTTP)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
  });

  it('reports health', async () => {
    expect((await harness.control('GET', '/health')).json).toEqual({ status: 'ok' });
  });

  it('creates, updates, reads and deletes a tenant; never shows client secrets', async () => {
    await seedStandardTenant(harness);
    const updated = await expectOk(
      harness.control('PUT', `/tenants/${TENANT}`, {
        behaviour: { duplicateNameStatus: 400, tokenTtlSeconds: 30 },
      }),
    );
    expect(updated.json).toMatchObject({
      id: TENANT,
      behaviour: {
        duplicateNameStatus: 400,
        tokenTtlSeconds: 30,
        searchMatchesName: false,
        removeAbsentProperty: 'reject',
      },
    });
    const patched = await expectOk(
      harness.control('PATCH', `/tenants/${TENANT}/behaviour`, {
        searchMatchesName: true,
        removeAbsentProperty: 'ignore',
      }),
    );
    expect(patched.json).toMatchObject({
      duplicateNameStatus: 400,
      searchMatchesName: true,
      removeAbsentProperty: 'ignore',
    });
    const view = await expectOk(harness.control('GET', `/tenants/${TENANT.toUpperCase()}`));
    expect(view.json).toMatchObject({
      serviceAccounts: [{ clientId: CLIENT_ID, isOauthConfidentialClient: true }],
      safes: [{ safeName: SAFE }],
    });
    expect(view.text).not.toContain(CLIENT_SECRET);
    expect(((await expectOk(harness.control('GET', '/tenants'))).json as unknown[]).length).toBe(1);
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}`));
    expect((await harness.control('GET', `/tenants/${TENANT}`)).status).toBe(404);
  });

  it('rejects bodies that do not match the schema with 400 and the reasons', async () => {
    const answer = await harness.control('PUT', `/tenants/${TENANT}`, {
      behaviour: { duplicateNameStatus: 418, unknownSwitch: true },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: 'invalid_request',
      issues: expect.arrayContaining([expect.stringContaining('duplicateNameStatus')]),
    });
    expect((await harness.control('PUT', `/tenants/${TENANT}`, undefined)).status).toBe(200);
    const badJson = await fetch(`${harness.baseUrl}/_control/tenants/x`, { method: 'PUT', body: '{' });
    expect(badJson.status).toBe(400);
    await expectOk(harness.control('PUT', `/tenants/${TENANT}`, {}));
    expect((await harness.control('POST', `/tenants/${TENANT}/faults`, { type: 'meteor' })).status).toBe(400);
    expect(
      (await harness.control('POST', `/tenants/${TENANT}/faults`, { type: 'http-error', status: 200 }))
        .status,
    ).toBe(400);
    expect(
      (await harness.control('PATCH', `/tenants/${TENANT}/behaviour`, { removeAbsentProperty: 'maybe' }))
        .status,
    ).toBe(400);
    expect(
      (await harness.control('POST', `/tenants/${TENANT}/faults`, { type: 'connection-reset', delayMs: 1 }))
        .status,
    ).toBe(400);
  });

  it('answers 404 for sub-resources of an unknown tenant and for unknown routes', async () => {
    expect((await harness.control('PUT', '/tenants/ghost/safes/S', {})).status).toBe(404);
    expect((await harness.control('GET', '/nothing')).status).toBe(404);
  });

  it('manages Safe members and shows the 22 permissions', async () => {
    await seedStandardTenant(harness);
    const safe = await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/safes/${SAFE}/members/auditor`, {
        permissions: { viewAuditLog: true },
      }),
    );
    const members = (safe.json as { members: { memberName: string; permissions: Record<string, boolean> }[] })
      .members;
    expect(members.map((member) => member.memberName)).toEqual([CLIENT_ID, 'auditor']);
    expect(Object.keys(members[1]?.permissions ?? {})).toHaveLength(22);
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}/safes/${SAFE}/members/auditor`));
    const safes = (await expectOk(harness.control('GET', `/tenants/${TENANT}/safes`))).json as {
      members: unknown[];
      safeNumber: number;
    }[];
    expect(safes[0]?.members).toHaveLength(1);
    expect(safes[0]?.safeNumber).toEqual(expect.any(Number));
  });

  it('reads accounts with their secrets and every stored property, and seeds accounts directly', async () => {
    await seedStandardTenant(harness);
    const token = await harness.token();
    await expectOk(harness.api('POST', '/Accounts', { token, body: newAccount({ name: 'a1' }) }));
    const seeded = await expectOk(
      harness.control('POST', `/tenants/${TENANT}/accounts`, {
        safeName: SAFE,
        platformId: 'Unknown',
        name: 'pre-existing',
        secret: 'seeded',
        platformAccountProperties: { Anything: 'x' },
      }),
    );
    expect(seeded.status).toBe(201);
    const accounts = (await expectOk(harness.control('GET', `/tenants/${TENANT}/accounts?safeName=${SAFE}`)))
      .json as { name: string; secret: string }[];
    expect(accounts.map(({ name, secret }) => ({ name, secret }))).toEqual([
      { name: 'a1', secret: 'P@ssw0rd-1' },
      { name: 'pre-existing', secret: 'seeded' },
    ]);
    expect(
      (
        await harness.control('POST', `/tenants/${TENANT}/accounts`, {
          safeName: SAFE,
          platformId: 'X',
          name: 'a1',
        })
      ).status,
    ).toBe(409);
    expect((await harness.control('GET', `/tenants/${TENANT}/accounts/1_1`)).status).toBe(404);
  });

  it('loads a seed document, taking secrets from environment variables when asked', async () => {
    const seed = {
      tenants: [
        {
          id: 'seeded',
          behaviour: { duplicateNameStatus: 400 },
          serviceAccounts: [{ clientId: 'svc', clientSecret: 'literal' }],
          platforms: [{ id: 'P', required: ['Address'] }],
          safes: [{ safeName: 'S', members: [{ memberName: 'svc', permissions: { listAccounts: true } }] }],
          accounts: [{ safeName: 'S', platformId: 'P', name: 'acc', address: 'h', secret: 'x' }],
          ccpApps: [{ appId: 'app', allowedSafes: ['S'] }],
        },
      ],
    };
    await expectOk(harness.control('POST', '/seed', seed));
    const view = (await expectOk(harness.control('GET', '/tenants/seeded'))).json as Record<string, unknown>;
    expect(view).toMatchObject({
      accountCount: 1,
      ccpApps: [{ appId: 'app', allowedSafes: ['s'] }],
      behaviour: { duplicateNameStatus: 400 },
    });
    const missingEnv = await harness.control('POST', '/seed', {
      tenants: [
        { id: 'x', serviceAccounts: [{ clientId: 'a', clientSecretEnv: 'SIM_TEST_UNSET_VARIABLE' }] },
      ],
    });
    expect(missingEnv.status).toBe(404);
  });

  it('refuses an AppID already owned by another tenant', async () => {
    await expectOk(harness.control('PUT', '/tenants/one', {}));
    await expectOk(harness.control('PUT', '/tenants/two', {}));
    await expectOk(harness.control('PUT', '/tenants/one/ccp-apps/App1', { allowedSafes: [] }));
    expect((await harness.control('PUT', '/tenants/two/ccp-apps/app1', { allowedSafes: [] })).status).toBe(
      409,
    );
    await expectOk(harness.control('DELETE', '/tenants/one/ccp-apps/App1'));
    await expectOk(harness.control('PUT', '/tenants/two/ccp-apps/app1', { allowedSafes: [] }));
  });

  describe('request log', () => {
    it('records method, path, tenant, family, status and duration; reads with a since cursor', async () => {
      await seedStandardTenant(harness);
      const token = await harness.token();
      const start = (await expectOk(harness.control('GET', '/requests'))).json as { cursor: number };
      await harness.api('GET', '/Accounts', { token });
      await harness.api('GET', '/Accounts/9_9', { token });
      const page = (
        await expectOk(harness.control('GET', `/requests?since=${start.cursor}&tenant=${TENANT}`))
      ).json as {
        entries: Record<string, unknown>[];
        cursor: number;
      };
      expect(page.entries).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: `/t/${TENANT}/pcloud/PasswordVault/API/Accounts`,
          tenant: TENANT,
          family: 'accounts',
          status: 200,
          durationMs: expect.any(Number),
          time: expect.any(String),
        }),
        expect.objectContaining({ status: 404 }),
      ]);
      expect(
        (
          (await expectOk(harness.control('GET', `/requests?since=${page.cursor}`))).json as {
            entries: unknown[];
          }
        ).entries,
      ).toEqual([]);
    });

    it('never records secrets, tokens or bodies', async () => {
      await seedStandardTenant(harness);
      const token = await harness.token();
      await harness.api('POST', '/Accounts', { token, body: newAccount({ secret: 'account-secret-value' }) });
      await harness.api('POST', '/Accounts/2_1/Password/Update', {
        token,
        body: { NewCredentials: 'next-secret-value' },
      });
      await fetch(`${harness.baseUrl}/t/${TENANT}/identity/oauth2/platformtoken?client_secret=query-secret`, {
        method: 'POST',
      });
      const log = (await expectOk(harness.control('GET', '/requests'))).text;
      for (const secret of [
        CLIENT_SECRET,
        token,
        'account-secret-value',
        'next-secret-value',
        'query-secret',
      ])
        expect(log).not.toContain(secret);
      expect(log).toContain('Password/Update');
    });

    it('is emptied by reset', async () => {
      await seedStandardTenant(harness);
      await harness.token();
      await expectOk(harness.control('POST', '/reset'));
      expect(
        ((await expectOk(harness.control('GET', '/requests'))).json as { entries: unknown[] }).entries,
      ).toEqual([]);
      expect(((await expectOk(harness.control('GET', '/tenants'))).json as unknown[]).length).toBe(0);
    });
  });

  it('revokes tokens and reports how many', async () => {
    await seedStandardTenant(harness);
    await harness.token();
    await harness.token();
    expect(
      (await expectOk(harness.control('POST', `/tenants/${TENANT}/tokens/revoke`, { clientId: CLIENT_ID })))
        .json,
    ).toEqual({ revoked: 2 });
  });

  it('answers 404 with a PVWA body for unknown tenants on the API paths', async () => {
    const answer = await harness.api('GET', '/Accounts', { tenant: 'ghost' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ ErrorCode: 'SIMNOTENANT' });
  });

  it('has no CCP authority when CCP is disabled', async () => {
    expect((await harness.control('GET', '/ccp/ca')).status).toBe(404);
    expect((await harness.control('POST', '/ccp/client-certificates', {})).status).toBe(409);
  });
});
