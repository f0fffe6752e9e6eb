import {
  CLIENT_ID,
  type Harness,
  PLATFORM,
  SAFE,
  TENANT,
  expectOk,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

describe('Privilege Cloud Safes and Platforms API (HTTP)', () => {
  let harness: Harness;
  let token: string;
  const get = (path: string) => harness.api('GET', path, { token });

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
    await expectOk(harness.control('PUT', `/tenants/${TENANT}/safes/NotMine`, {}));
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/safes/${encodeURIComponent('Ops.Team')}`, {
        members: [{ memberName: CLIENT_ID, permissions: { listAccounts: true } }],
      }),
    );
    token = await harness.token();
  });

  describe('Safes', () => {
    it('returns Safe details by URL id, case-insensitively, with a trailing slash after dotted names', async () => {
      const answer = await get(`/Safes/${SAFE.toLowerCase()}`);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        safeName: SAFE,
        safeUrlId: SAFE,
        safeNumber: expect.any(Number),
        location: '\\',
        accounts: [],
      });
      expect((await get('/Safes/Ops.Team/')).json).toMatchObject({ safeName: 'Ops.Team' });
    });

    it('answers 404 SFWS0007 for an unknown Safe and one the caller is not a member of', async () => {
      for (const name of ['Nope', 'NotMine']) {
        const answer = await get(`/Safes/${name}`);
        expect(answer.status).toBe(404);
        expect(answer.json).toMatchObject({ ErrorCode: 'SFWS0007' });
      }
    });

    it('lists only member Safes, searching by contains', async () => {
      const all = (await expectOk(get('/Safes'))).json as { value: { safeName: string }[]; count: number };
      expect(all.value.map((safe) => safe.safeName)).toEqual([SAFE, 'Ops.Team']);
      expect(all.count).toBe(2);
      const found = (await expectOk(get('/Safes?search=team'))).json as { value: { safeName: string }[] };
      expect(found.value.map((safe) => safe.safeName)).toEqual(['Ops.Team']);
      const paged = (await expectOk(get('/Safes?limit=1'))).json as { nextLink?: string };
      expect(paged.nextLink).toBe('api/Safes?offset=1&limit=1');
    });

    it('lists members and a single member with the 22 permission keys, given viewSafeMembers', async () => {
      const members = (await expectOk(get(`/Safes/${SAFE}/Members`))).json as {
        value: { memberName: string; permissions: Record<string, boolean> }[];
        count: number;
      };
      expect(members.count).toBe(1);
      expect(Object.keys(members.value[0]?.permissions ?? {})).toHaveLength(22);
      const member = await get(`/Safes/${SAFE}/Members/${encodeURIComponent(CLIENT_ID)}/`);
      expect(member.json).toMatchObject({
        memberName: CLIENT_ID,
        memberType: 'User',
        permissions: { listAccounts: true, manageSafe: false },
      });
      expect((await get(`/Safes/${SAFE}/Members/nobody`)).status).toBe(404);
    });

    it('answers 403 PASWS041E for members without viewSafeMembers', async () => {
      const answer = await get('/Safes/Ops.Team/Members');
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ ErrorCode: 'PASWS041E' });
    });
  });

  describe('Platforms', () => {
    beforeEach(async () => {
      await expectOk(
        harness.control('PUT', `/tenants/${TENANT}/platforms/UnixSSH`, {
          active: false,
          systemType: 'Unix',
          required: ['Address'],
        }),
      );
    });

    it('lists platforms with general and required/optional properties, filtered by Search and Active', async () => {
      const all = (await expectOk(get('/Platforms'))).json as {
        Platforms: { general: { id: string } }[];
        Total: number;
      };
      expect(all.Platforms.map((p) => p.general.id)).toEqual([PLATFORM, 'UnixSSH']);
      const win = (await expectOk(get('/Platforms?Search=win'))).json as { Platforms: unknown[] };
      expect(win.Platforms).toEqual([
        expect.objectContaining({
          general: expect.objectContaining({ id: PLATFORM, active: true, platformType: 'regular' }),
          properties: {
            required: [
              { name: 'Address', displayName: 'Address' },
              { name: 'Username', displayName: 'Username' },
            ],
            optional: expect.arrayContaining([{ name: 'Port', displayName: 'Port' }]),
          },
        }),
      ]);
      const active = (await expectOk(get('/Platforms?Active=true'))).json as {
        Platforms: { general: { id: string } }[];
      };
      expect(active.Platforms.map((p) => p.general.id)).toEqual([PLATFORM]);
    });

    it('returns platform details as {PlatformID, Active, Details}', async () => {
      expect((await get('/platforms/unixssh/')).json).toMatchObject({
        PlatformID: 'UnixSSH',
        Active: false,
        Details: { PolicyID: 'UnixSSH' },
      });
      expect((await get('/Platforms/Nope')).status).toBe(404);
    });
  });
});
