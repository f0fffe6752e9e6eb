import {
  CLIENT_ID,
  type Harness,
  PLATFORM,
  SAFE,
  TENANT,
  allPermissions,
  expectOk,
  newAccount,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

interface ApiAccount {
  id: string;
  name: string;
  address: string;
  userName: string;
  platformAccountProperties: Record<string, string>;
  secretManagement: Record<string, unknown>;
}

describe('Privilege Cloud accounts API (HTTP)', () => {
  let harness: Harness;
  let token: string;

  const add = (body: Record<string, unknown>) => harness.api('POST', '/Accounts', { token, body });
  const addOk = async (body: Record<string, unknown>) => (await expectOk(add(body))).json as ApiAccount;
  const stored = async (id: string) =>
    (await expectOk(harness.control('GET', `/tenants/${TENANT}/accounts/${id}`))).json as Record<
      string,
      unknown
    >;
  const setBehaviour = (behaviour: Record<string, unknown>) =>
    expectOk(harness.control('PUT', `/tenants/${TENANT}`, { behaviour }));
  const grant = (permissions: Record<string, boolean>) =>
    expectOk(
      harness.control('PUT', `/tenants/${TENANT}/safes/${SAFE}/members/${encodeURIComponent(CLIENT_ID)}`, {
        permissions,
      }),
    );

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
    token = await harness.token();
  });

  describe('POST /Accounts', () => {
    it('creates the account (201) and never returns the secret', async () => {
      const answer = await add(newAccount({ name: 'dr-1', platformAccountProperties: { Port: '3389' } }));
      expect(answer.status).toBe(201);
      expect(answer.json).toMatchObject({
        id: expect.stringMatching(/^\d+_\d+$/),
        name: 'dr-1',
        safeName: SAFE,
        platformId: PLATFORM,
        secretType: 'password',
        platformAccountProperties: { Port: '3389' },
        secretManagement: {
          automaticManagementEnabled: true,
          status: 'success',
          lastModifiedTime: expect.any(Number),
        },
        createdTime: expect.any(Number),
      });
      expect(answer.text).not.toContain('P@ssw0rd-1');
      expect(answer.json).not.toHaveProperty('secret');
      const createdTime = (answer.json as { createdTime: number }).createdTime;
      expect(Math.abs(createdTime - Date.now() / 1000)).toBeLessThan(5);
      expect(await stored((answer.json as ApiAccount).id)).toMatchObject({ secret: 'P@ssw0rd-1' });
    });

    it.each(['platformId', 'safeName'])('requires %s', async (parameter) => {
      const answer = await add(newAccount({ [parameter]: undefined }));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS167E', Details: [{ ParameterName: parameter }] });
    });

    it('answers PASWS167E/PASWS031E for an unknown Safe and for a Safe the caller is not a member of', async () => {
      await expectOk(harness.control('PUT', `/tenants/${TENANT}/safes/Elsewhere`, {}));
      for (const safeName of ['Nope', 'Elsewhere']) {
        const answer = await add(newAccount({ safeName }));
        expect(answer.status).toBe(400);
        expect(answer.json).toEqual({
          Details: [
            {
              ParameterName: 'safeName',
              ErrorCode: 'PASWS031E',
              ErrorMessage: `Safe [${safeName}] was not found`,
            },
          ],
          ErrorCode: 'PASWS167E',
          ErrorMessage: 'There are some invalid parameters',
        });
      }
    });

    it('takes the Safe name literally: a URL-encoded name is not found', async () => {
      await expectOk(
        harness.control('PUT', `/tenants/${TENANT}/safes/${encodeURIComponent('DR Safe')}`, {
          members: [{ memberName: CLIENT_ID, permissions: allPermissions() }],
        }),
      );
      expect((await add(newAccount({ safeName: 'DR Safe' }))).status).toBe(201);
      expect((await add(newAccount({ safeName: 'DR%20Safe' }))).status).toBe(400);
    });

    it('answers PASWS027E 409 for a duplicate name, or 400 when the tenant says so', async () => {
      await addOk(newAccount({ name: 'dup' }));
      const conflict = await add(newAccount({ name: 'DUP' }));
      expect(conflict.status).toBe(409);
      expect(conflict.json).toMatchObject({ ErrorCode: 'PASWS027E' });
      await setBehaviour({ duplicateNameStatus: 400 });
      expect((await add(newAccount({ name: 'dup' }))).status).toBe(400);
    });

    it('allows names differing only in case when the tenant compares case-sensitively', async () => {
      await setBehaviour({ accountNameComparison: 'case-sensitive' });
      await addOk(newAccount({ name: 'dup' }));
      expect((await add(newAccount({ name: 'DUP' }))).status).toBe(201);
      expect((await add(newAccount({ name: 'dup' }))).status).toBe(409);
    });

    it('generates <platform>-<address>-<user> names, with " (n)" on collision, never failing', async () => {
      const first = await addOk(newAccount());
      const second = await addOk(newAccount());
      expect(first.name).toBe(`${PLATFORM}-host-1.example.com-svc-user`);
      expect(second.name).toBe(`${PLATFORM}-host-1.example.com-svc-user (1)`);
    });

    it('rejects a property the platform does not define, and a missing mandatory property', async () => {
      const unknown = await add(newAccount({ platformAccountProperties: { NotOnPlatform: 'x' } }));
      expect(unknown.status).toBe(400);
      expect(unknown.json).toMatchObject({
        ErrorCode: 'PASWS167E',
        Details: [{ ParameterName: 'platformAccountProperties.NotOnPlatform' }],
      });
      const wrongCase = await add(newAccount({ platformAccountProperties: { port: '22' } }));
      expect(wrongCase.status).toBe(400);
      const missing = await add(newAccount({ userName: '' }));
      expect(missing.status).toBe(400);
      expect(missing.json).toMatchObject({
        ErrorCode: 'CAWS00001E',
        ErrorMessage: expect.stringContaining('Missing mandatory parameter'),
      });
    });

    it('rejects an unknown or inactive platform', async () => {
      expect((await add(newAccount({ platformId: 'Nope' }))).json).toMatchObject({
        Details: [{ ParameterName: 'platformId' }],
      });
      expect((await add(newAccount({ platformId: `${PLATFORM}\t` }))).status).toBe(400);
      await expectOk(harness.control('PUT', `/tenants/${TENANT}/platforms/Retired`, { active: false }));
      const inactive = await add(newAccount({ platformId: 'Retired' }));
      expect(inactive.status).toBe(400);
      expect(inactive.text).toContain('not active');
    });

    it('needs addAccounts (403 PASWS041E otherwise)', async () => {
      await grant({ listAccounts: true });
      const answer = await add(newAccount());
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({
        ErrorCode: 'PASWS041E',
        ErrorMessage: 'You are not authorized to perform this action.',
      });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await harness.api('POST', '/Accounts', { token, rawBody: '{not json' });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS168E' });
    });
  });

  describe('GET /Accounts/{id}', () => {
    it('returns the account with only platform-defined properties', async () => {
      const created = await addOk(newAccount({ platformAccountProperties: { Port: '22' } }));
      await expectOk(
        harness.control('PUT', `/tenants/${TENANT}/platforms/${PLATFORM}`, {
          required: ['Address', 'Username'],
          optional: ['LogonDomain'],
        }),
      );
      const answer = await harness.api('GET', `/Accounts/${created.id}`, { token });
      expect(answer.status).toBe(200);
      expect((answer.json as ApiAccount).platformAccountProperties).toEqual({});
      expect(answer.json).not.toHaveProperty('secret');
      expect(await stored(created.id)).toMatchObject({ platformAccountProperties: { Port: '22' } });
    });

    it('answers 404 PASWS204E for an unknown id and for an account in a Safe the caller cannot see', async () => {
      const missing = await harness.api('GET', '/Accounts/99_1', { token });
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ ErrorCode: 'PASWS204E', ErrorMessage: 'Account [99_1] was not found.' });
      await expectOk(harness.control('PUT', `/tenants/${TENANT}/safes/Hidden`, {}));
      const hidden = (
        await expectOk(
          harness.control('POST', `/tenants/${TENANT}/accounts`, {
            safeName: 'Hidden',
            platformId: PLATFORM,
            name: 'h',
          }),
        )
      ).json as ApiAccount;
      expect((await harness.api('GET', `/Accounts/${hidden.id}`, { token })).status).toBe(404);
    });

    it('needs listAccounts', async () => {
      const created = await addOk(newAccount());
      await grant({ addAccounts: true });
      expect((await harness.api('GET', `/Accounts/${created.id}`, { token })).status).toBe(403);
    });

    it('serves case-insensitive paths with a trailing slash', async () => {
      const created = await addOk(newAccount());
      const headers = { authorization: `Bearer ${token}` };
      const upper = await fetch(
        `${harness.baseUrl}/t/${TENANT}/PCLOUD/PASSWORDVAULT/API/ACCOUNTS/${created.id}/`,
        { headers },
      );
      const lower = await fetch(
        `${harness.baseUrl}/t/${TENANT}/pcloud/passwordvault/api/accounts/${created.id}`,
        { headers },
      );
      expect(upper.status).toBe(200);
      expect(lower.status).toBe(200);
      expect(
        (await fetch(`${harness.baseUrl}/t/${TENANT}/pcloud/passwordvault/api/nothing`, { headers })).status,
      ).toBe(404);
    });
  });

  describe('PATCH /Accounts/{id}', () => {
    const patch = (id: string, operations: unknown) =>
      harness.api('PATCH', `/Accounts/${id}`, { token, body: operations });

    it('applies add/replace/remove and returns 200 with the account', async () => {
      const created = await addOk(newAccount({ platformAccountProperties: { Port: '22' } }));
      const answer = await patch(created.id, [
        { op: 'replace', path: '/address', value: 'host-2.example.com' },
        { op: 'replace', path: '/username', value: 'other-user' },
        { op: 'add', path: '/platformAccountProperties/LogonDomain', value: 'CORP' },
        { op: 'remove', path: '/platformAccountProperties/Port' },
        { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: 'false' },
        { op: 'add', path: '/secretManagement/manualManagementReason', value: 'DR copy' },
      ]);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        id: created.id,
        address: 'host-2.example.com',
        userName: 'other-user',
        platformAccountProperties: { LogonDomain: 'CORP' },
        secretManagement: { automaticManagementEnabled: false, manualManagementReason: 'DR copy' },
      });
      expect(await stored(created.id)).toMatchObject({
        address: 'host-2.example.com',
        platformAccountProperties: { LogonDomain: 'CORP' },
      });
    });

    it('answers PASWS164E when replacing a property the account lacks, and changes nothing', async () => {
      const created = await addOk(newAccount());
      const answer = await patch(created.id, [
        { op: 'replace', path: '/address', value: 'changed' },
        { op: 'replace', path: '/platformAccountProperties/LogonDomain', value: 'CORP' },
      ]);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS164E' });
      expect(await stored(created.id)).toMatchObject({ address: 'host-1.example.com' });
    });

    it('answers PASWS164E when removing a property the account lacks, and changes nothing', async () => {
      const created = await addOk(newAccount({ platformAccountProperties: { Port: '22' } }));
      const answer = await patch(created.id, [
        { op: 'replace', path: '/address', value: 'changed' },
        { op: 'remove', path: '/platformAccountProperties/Port' },
        { op: 'remove', path: '/platformAccountProperties/LogonDomain' },
      ]);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS164E' });
      expect(await stored(created.id)).toMatchObject({
        address: 'host-1.example.com',
        platformAccountProperties: { Port: '22' },
      });
    });

    it('matches the removed property name case-sensitively, like replace', async () => {
      const created = await addOk(newAccount({ platformAccountProperties: { Port: '22' } }));
      const answer = await patch(created.id, [{ op: 'remove', path: '/platformAccountProperties/port' }]);
      expect(answer.status).toBe(400);
      expect(await stored(created.id)).toMatchObject({ platformAccountProperties: { Port: '22' } });
    });

    it('ignores removing a property the account lacks when the tenant says so', async () => {
      await setBehaviour({ removeAbsentProperty: 'ignore' });
      const created = await addOk(newAccount({ platformAccountProperties: { Port: '22' } }));
      const answer = await patch(created.id, [
        { op: 'replace', path: '/address', value: 'changed' },
        { op: 'remove', path: '/platformAccountProperties/LogonDomain' },
      ]);
      expect(answer.status).toBe(200);
      expect(await stored(created.id)).toMatchObject({
        address: 'changed',
        platformAccountProperties: { Port: '22' },
      });
    });

    it('lets the last operation on a path win', async () => {
      const created = await addOk(newAccount());
      const answer = await patch(created.id, [
        { op: 'replace', path: '/platformAccountProperties/LogonDomain', value: 'first' },
        { op: 'add', path: '/platformAccountProperties/LogonDomain', value: 'last' },
      ]);
      expect(answer.status).toBe(200);
      expect((answer.json as ApiAccount).platformAccountProperties).toEqual({ LogonDomain: 'last' });
    });

    it('rejects properties the platform does not define and duplicate names on rename', async () => {
      const first = await addOk(newAccount({ name: 'first' }));
      await addOk(newAccount({ name: 'second' }));
      expect(
        (await patch(first.id, [{ op: 'add', path: '/platformAccountProperties/Nope', value: 'x' }])).status,
      ).toBe(400);
      const rename = await patch(first.id, [{ op: 'replace', path: '/name', value: 'SECOND' }]);
      expect(rename.status).toBe(409);
      expect(rename.json).toMatchObject({ ErrorCode: 'PASWS027E' });
      expect((await patch(first.id, [{ op: 'replace', path: '/name', value: 'FIRST' }])).status).toBe(200);
      expect(
        (await patch(first.id, [{ op: 'replace', path: '/name', value: 'renamed' }])).json,
      ).toMatchObject({ name: 'renamed' });
    });

    it('needs updateAccountProperties', async () => {
      const created = await addOk(newAccount());
      await grant({ listAccounts: true, updateAccountContent: true });
      expect((await patch(created.id, [{ op: 'replace', path: '/address', value: 'x' }])).status).toBe(403);
    });

    it('answers 404 for an unknown id and 400 for a body that is not a JSON Patch array', async () => {
      expect((await patch('2_999', [{ op: 'replace', path: '/address', value: 'x' }])).status).toBe(404);
      const created = await addOk(newAccount());
      expect((await patch(created.id, { op: 'replace', path: '/address', value: 'x' })).status).toBe(400);
      expect((await patch(created.id, [{ op: 'replace', path: '/safeName', value: 'x' }])).status).toBe(400);
    });
  });

  describe('POST /Accounts/{id}/Password/Update', () => {
    const update = (id: string, body: unknown) =>
      harness.api('POST', `/Accounts/${id}/Password/Update`, { token, body });

    it('stores the trimmed secret and answers 200 with an empty body, whatever the key case', async () => {
      const created = await addOk(newAccount());
      const answer = await update(created.id, {
        ChangeEntireGroup: false,
        NewCredentials: '  n3w-Secret \n',
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
      expect(await stored(created.id)).toMatchObject({ secret: 'n3w-Secret' });
      expect((await update(created.id, { newCredentials: 'camel' })).status).toBe(200);
      expect(await stored(created.id)).toMatchObject({ secret: 'camel' });
    });

    it('requires NewCredentials', async () => {
      const created = await addOk(newAccount());
      const answer = await update(created.id, { NewCredentials: '   ' });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        ErrorCode: 'PASWS167E',
        Details: [{ ParameterName: 'NewCredentials' }],
      });
      expect(answer.text).not.toContain('   ');
    });

    it('needs updateAccountContent', async () => {
      const created = await addOk(newAccount());
      await grant({ listAccounts: true, updateAccountProperties: true });
      expect((await update(created.id, { NewCredentials: 'x' })).status).toBe(403);
    });

    it('serves the documented trailing-slash form', async () => {
      const created = await addOk(newAccount());
      expect(
        (
          await harness.api('POST', `/Accounts/${created.id}/password/update/`, {
            token,
            body: { NewCredentials: 'x' },
          })
        ).status,
      ).toBe(200);
    });
  });

  describe('DELETE /Accounts/{id}', () => {
    it('answers 204, then the account is gone', async () => {
      const created = await addOk(newAccount({ name: 'to-delete' }));
      const answer = await harness.api('DELETE', `/Accounts/${created.id}`, { token });
      expect(answer.status).toBe(204);
      expect((await harness.api('GET', `/Accounts/${created.id}`, { token })).status).toBe(404);
      expect((await add(newAccount({ name: 'to-delete' }))).status).toBe(201);
    });

    it('needs deleteAccounts', async () => {
      const created = await addOk(newAccount());
      await grant({ listAccounts: true });
      expect((await harness.api('DELETE', `/Accounts/${created.id}`, { token })).status).toBe(403);
    });
  });

  describe('GET /Accounts', () => {
    beforeEach(async () => {
      await addOk(newAccount({ name: 'alpha', address: 'db1.corp', userName: 'oracle' }));
      await addOk(
        newAccount({
          name: 'beta',
          address: 'web1.corp',
          userName: 'nginx',
          platformAccountProperties: { LogonDomain: 'EMEA' },
        }),
      );
      await expectOk(
        harness.control('PUT', `/tenants/${TENANT}/safes/Second`, {
          members: [{ memberName: CLIENT_ID, permissions: allPermissions() }],
        }),
      );
      await addOk(newAccount({ safeName: 'Second', name: 'gamma', address: 'db2.corp', userName: 'oracle' }));
    });
    const list = async (query: string) =>
      (await expectOk(harness.api('GET', `/Accounts${query}`, { token }))).json as {
        value: ApiAccount[];
        count: number;
        nextLink?: string;
      };

    it('lists visible accounts with value and count, without secrets', async () => {
      const page = await list('');
      expect(page.count).toBe(3);
      expect(page.value.map((account) => account.name)).toEqual(['alpha', 'beta', 'gamma']);
      expect(page.nextLink).toBeUndefined();
      expect(JSON.stringify(page)).not.toContain('P@ssw0rd');
    });

    it('filters by Safe and searches keywords over userName, address and properties but not name', async () => {
      expect((await list(`?filter=${encodeURIComponent(`safeName eq ${SAFE}`)}`)).count).toBe(2);
      expect((await list('?search=oracle')).value.map((a) => a.name)).toEqual(['alpha', 'gamma']);
      expect((await list(`?search=${encodeURIComponent('oracle db2')}`)).value.map((a) => a.name)).toEqual([
        'gamma',
      ]);
      expect((await list('?search=emea')).value.map((a) => a.name)).toEqual(['beta']);
      expect((await list('?search=alpha')).count).toBe(0);
      await setBehaviour({ searchMatchesName: true });
      expect((await list('?search=alpha')).count).toBe(1);
      expect((await list('?search=db&searchType=startswith')).value.map((a) => a.name)).toEqual([
        'alpha',
        'gamma',
      ]);
    });

    it('hides Safes where the caller lacks listAccounts', async () => {
      await grant({ addAccounts: true });
      expect((await list('')).value.map((a) => a.name)).toEqual(['gamma']);
    });

    it('rejects an invalid limit with PASWS167E naming limit', async () => {
      for (const limit of ['0', '1001', 'x']) {
        const answer = await harness.api('GET', `/Accounts?limit=${limit}`, { token });
        expect(answer.status).toBe(400);
        expect(answer.json).toMatchObject({ ErrorCode: 'PASWS167E', Details: [{ ParameterName: 'limit' }] });
      }
      await setBehaviour({ limitAboveMax: 'clamp' });
      expect((await harness.api('GET', '/Accounts?limit=5000', { token })).status).toBe(200);
    });

    it('carries filter and search in nextLink unless the tenant says not to', async () => {
      const filter = encodeURIComponent(`safeName eq ${SAFE}`);
      const page = await list(`?limit=1&filter=${filter}&search=corp`);
      expect(page.nextLink).toBe(`api/Accounts?offset=1&limit=1&filter=${filter}&search=corp`);
      await setBehaviour({ nextLinkCarriesQuery: false });
      expect((await list(`?limit=1&filter=${filter}`)).nextLink).toBe('api/Accounts?offset=1&limit=1');
    });
  });
});
