import { SAFE_PERMISSION_KEYS } from '../cyberark.types';
import { toPermissions, toSafeDetails, toSafeMember } from './safe.mapper';

describe('safe mapper', () => {
  it('reads a member and fills every permission key', () => {
    const member = toSafeMember(
      {
        safeUrlId: 'Backup',
        safeName: 'Backup',
        memberName: 'svc@cyberark.cloud.1',
        memberType: 'User',
        membershipExpirationDate: null,
        permissions: { listAccounts: true, addAccounts: true, UpdateAccountContent: 'true' },
      },
      'op',
      'Backup',
    );
    expect(member.memberName).toBe('svc@cyberark.cloud.1');
    expect(member.membershipExpirationDate).toBeNull();
    expect(Object.keys(member.permissions).sort()).toEqual([...SAFE_PERMISSION_KEYS].sort());
    expect(member.permissions).toMatchObject({
      listAccounts: true,
      addAccounts: true,
      updateAccountContent: true,
      deleteAccounts: false,
    });
  });

  it('reads missing permissions as all false', () => {
    expect(Object.values(toPermissions(undefined)).every((value) => value === false)).toBe(true);
  });

  it('reads safe details and defaults safeUrlId to the name', () => {
    expect(toSafeDetails({ safeName: 'S', safeNumber: 7, olacEnabled: false }, 'op')).toEqual({
      safeUrlId: 'S',
      safeName: 'S',
      safeNumber: 7,
      olacEnabled: false,
    });
  });
});
