import { CyberArkPlatformNotFoundError, CyberArkSafeNotFoundError } from '../cyberark.errors';
import { CyberArkClient } from '../client/cyberark.client';
import { FAKE_CLIENT_ID, FakePrivilegeCloud } from '../test/fake-privilege-cloud.server';
import { FAST, connectionTo, expectRejection } from '../test/client-harness';

describe('safes and platforms (integration, loopback fake)', () => {
  let fake: FakePrivilegeCloud;
  let client: CyberArkClient;

  beforeEach(async () => {
    fake = await FakePrivilegeCloud.start();
    client = new CyberArkClient(connectionTo(fake), FAST);
  });

  afterEach(async () => {
    client.dispose();
    await fake.close();
  });

  it('reads a Safe, and reports a missing one as safe-not-found', async () => {
    await expect(client.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup', safeNumber: 7 });
    expect(await expectRejection(client.getSafe('Nope'))).toBeInstanceOf(CyberArkSafeNotFoundError);
  });

  it('URL-encodes Safe and member names, with a trailing slash after a dot', async () => {
    await client.getSafeMember('Backup', FAKE_CLIENT_ID);
    const [request] = fake.apiRequests(/\/Members\//);
    expect(request?.path).toBe(
      '/t/acme/pcloud/PasswordVault/API/Safes/Backup/Members/svc%40cyberark.cloud.1312/',
    );
  });

  it('reads a member with every permission key, null for a stranger, safe-not-found for a missing Safe', async () => {
    const member = await client.getSafeMember('Backup', FAKE_CLIENT_ID);
    expect(member?.permissions).toMatchObject({
      listAccounts: true,
      addAccounts: true,
      deleteAccounts: false,
    });
    expect(await client.getSafeMember('Backup', 'stranger')).toBeNull();
    expect(await expectRejection(client.getSafeMember('Nope', FAKE_CLIENT_ID))).toBeInstanceOf(
      CyberArkSafeNotFoundError,
    );
  });

  it('lists Safe members', async () => {
    await expect(client.listSafeMembers('Backup')).resolves.toEqual([
      expect.objectContaining({ memberName: FAKE_CLIENT_ID }),
    ]);
  });

  it('picks the platform whose id matches exactly among contains-matches', async () => {
    const platform = await client.getPlatform('WinDomain');
    expect(platform).toEqual({
      id: 'WinDomain',
      name: 'WinDomain platform',
      active: true,
      platformType: 'regular',
      requiredProperties: ['Address', 'Username'],
      optionalProperties: ['Port', 'LogonDomain'],
    });
    expect(fake.apiRequests(/\/Platforms$/)[0]?.query.get('Search')).toBe('WinDomain');
    expect(await expectRejection(client.getPlatform('WinDom'))).toBeInstanceOf(CyberArkPlatformNotFoundError);
  });

  it('reads platform details', async () => {
    fake.intercept((request) =>
      /\/Platforms\/WinDomain$/.test(request.path)
        ? { status: 200, body: { PlatformID: 'WinDomain', Active: true, Details: { PasswordLength: '12' } } }
        : undefined,
    );
    await expect(client.getPlatformDetails('WinDomain')).resolves.toEqual({
      platformId: 'WinDomain',
      active: true,
      details: { PasswordLength: '12' },
    });
  });
});
