import { TenantState } from './tenant-state';
import { type NewAccountFields } from './tenant-state';

function fields(name: string): NewAccountFields {
  return {
    name,
    address: 'h',
    userName: 'u',
    platformId: 'P',
    secretType: 'password',
    secret: 's',
    platformAccountProperties: {},
    secretManagement: { automaticManagementEnabled: true, status: 'success', lastModifiedTime: 0 },
    createdTime: 0,
    categoryModificationTime: 0,
  };
}

describe('TenantState', () => {
  it('numbers Safes and gives accounts <safeNumber>_<n> ids', () => {
    const tenant = new TenantState('t');
    const first = tenant.putSafe('A', '');
    const second = tenant.putSafe('B', '');
    expect(second.safeNumber).toBe(first.safeNumber + 1);
    expect(tenant.putSafe('a', 'again').safeNumber).toBe(first.safeNumber);
    const account = tenant.insertAccount(second, fields('x'));
    expect(account.id).toBe(`${second.safeNumber}_1`);
    expect(tenant.insertAccount(second, fields('y')).id).toBe(`${second.safeNumber}_2`);
    expect(tenant.findAccount(account.id)?.account).toBe(account);
    expect(tenant.findAccount('nonsense')).toBeUndefined();
  });

  it('finds name collisions case-insensitively or exactly, depending on the switch', () => {
    const tenant = new TenantState('t');
    const safe = tenant.putSafe('A', '');
    tenant.insertAccount(safe, fields('Admin'));
    expect(tenant.accountsNamed(safe, 'ADMIN')).toHaveLength(1);
    tenant.updateBehaviour({ accountNameComparison: 'case-sensitive' });
    expect(tenant.accountsNamed(safe, 'ADMIN')).toHaveLength(0);
    expect(tenant.accountsNamed(safe, 'Admin')).toHaveLength(1);
  });

  it('keeps the name index right through renames and deletes, and never reuses ids', () => {
    const tenant = new TenantState('t');
    const safe = tenant.putSafe('A', '');
    const account = tenant.insertAccount(safe, fields('old'));
    tenant.renameAccount(safe, account, 'new');
    expect(tenant.accountsNamed(safe, 'old')).toHaveLength(0);
    expect(tenant.accountsNamed(safe, 'new')).toHaveLength(1);
    tenant.deleteAccount(safe, account);
    expect(tenant.accountsNamed(safe, 'new')).toHaveLength(0);
    expect(tenant.findAccount(account.id)).toBeUndefined();
    expect(tenant.insertAccount(safe, fields('new')).id).not.toBe(account.id);
  });

  it('stores only a hash of the client secret', () => {
    const tenant = new TenantState('t');
    const account = tenant.putServiceAccount('svc', 'plain-secret', true);
    expect(JSON.stringify(account)).not.toContain('plain-secret');
    expect(tenant.getServiceAccount('SVC')).toBe(account);
  });
});
