import { SimulatedHttpError } from '../http/http.errors';
import { TenantState } from '../state/tenant-state';
import { PvwaErrors } from './pvwa.errors';
import { isAllowed, membershipOf, requirePermission } from './safe-access';

function safeWithMembers() {
  const tenant = new TenantState('t');
  const safe = tenant.putSafe('Backup', '');
  tenant.putMember(safe, 'svc@cyberark.cloud.1', 'User', { listAccounts: true });
  tenant.putMember(safe, 'Vault Admins', 'Group', { listAccounts: true, addAccounts: true });
  return safe;
}

function statusOf(action: () => void): number | 'ok' {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof SimulatedHttpError) return error.reply.status;
    throw error;
  }
}

describe('safe access', () => {
  it('finds the caller among User members, ignoring case', () => {
    const safe = safeWithMembers();
    expect(membershipOf(safe, 'SVC@cyberark.cloud.1')?.memberName).toBe('svc@cyberark.cloud.1');
    expect(membershipOf(safe, 'Vault Admins')).toBeUndefined();
  });

  it('allows only granted permissions', () => {
    const safe = safeWithMembers();
    expect(isAllowed(safe, 'svc@cyberark.cloud.1', 'listAccounts')).toBe(true);
    expect(isAllowed(safe, 'svc@cyberark.cloud.1', 'addAccounts')).toBe(false);
    expect(isAllowed(safe, 'stranger', 'listAccounts')).toBe(false);
  });

  it('answers "not visible" to non-members and 403 PASWS041E to members lacking the permission', () => {
    const safe = safeWithMembers();
    const notVisible = () => PvwaErrors.safeNotFound('Backup');
    expect(statusOf(() => requirePermission(safe, 'stranger', 'listAccounts', notVisible))).toBe(404);
    expect(
      statusOf(() => requirePermission(safe, 'svc@cyberark.cloud.1', 'deleteAccounts', notVisible)),
    ).toBe(403);
    expect(statusOf(() => requirePermission(safe, 'svc@cyberark.cloud.1', 'listAccounts', notVisible))).toBe(
      'ok',
    );
    try {
      requirePermission(safe, 'svc@cyberark.cloud.1', 'deleteAccounts', notVisible);
    } catch (error) {
      expect((error as SimulatedHttpError).reply.body).toEqual({
        ErrorCode: 'PASWS041E',
        ErrorMessage: 'You are not authorized to perform this action.',
      });
    }
  });
});
