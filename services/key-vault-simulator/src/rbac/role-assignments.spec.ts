import { KEY_VAULT_ROLES } from './key-vault-roles';
import { RoleAssignments, actionMatches, roleAllows } from './role-assignments';

const CLIENT = '11111111-2222-3333-4444-555555555555';

describe('RBAC decisions', () => {
  it('matches Azure action wildcards across path segments, case-insensitively', () => {
    expect(actionMatches('Microsoft.KeyVault/vaults/*', 'Microsoft.KeyVault/vaults/keys/wrap/action')).toBe(
      true,
    );
    expect(actionMatches('Microsoft.KeyVault/vaults/*/read', 'microsoft.keyvault/vaults/keys/read')).toBe(
      true,
    );
    expect(
      actionMatches('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keys/wrap/action'),
    ).toBe(false);
    expect(actionMatches('Microsoft.KeyVault/vaults/keys.x', 'Microsoft.KeyVault/vaults/keysAx')).toBe(false);
  });

  it.each([
    [
      'Key Vault Crypto Service Encryption User',
      { getKey: true, wrapKey: true, unwrapKey: true, encrypt: false, decrypt: false },
    ],
    ['Key Vault Crypto User', { getKey: true, wrapKey: true, unwrapKey: true, encrypt: true, decrypt: true }],
    [
      'Key Vault Crypto Officer',
      { getKey: true, wrapKey: true, unwrapKey: true, encrypt: true, decrypt: true },
    ],
    ['Key Vault Reader', { getKey: true, wrapKey: false, unwrapKey: false, encrypt: false, decrypt: false }],
    [
      'Key Vault Administrator',
      { getKey: true, wrapKey: true, unwrapKey: true, encrypt: true, decrypt: true },
    ],
  ] as const)('%s', (role, expected) => {
    const assignments = new RoleAssignments();
    assignments.assign(CLIENT, role);
    for (const [operation, allowed] of Object.entries(expected)) {
      expect([operation, assignments.decide(CLIENT, operation as keyof typeof expected).allowed]).toEqual([
        operation,
        allowed,
      ]);
    }
  });

  it('refuses everything to a principal without a role and names the data action it lacked', () => {
    const decision = new RoleAssignments().decide(CLIENT, 'wrapKey');
    expect(decision).toEqual({ allowed: false, dataAction: 'Microsoft.KeyVault/vaults/keys/wrap/action' });
  });

  it('looks principals up case-insensitively and removes one role or all', () => {
    const assignments = new RoleAssignments();
    assignments.assign(CLIENT.toUpperCase(), 'Key Vault Reader');
    assignments.assign(CLIENT, 'Key Vault Crypto User');
    expect(assignments.decide(CLIENT, 'decrypt').allowed).toBe(true);
    expect(assignments.remove(CLIENT, 'Key Vault Crypto User')).toBe(true);
    expect(assignments.decide(CLIENT, 'decrypt').allowed).toBe(false);
    expect(assignments.remove(CLIENT)).toBe(true);
    expect(assignments.rolesOf(CLIENT)).toEqual([]);
  });

  it('knows the data actions of every role it offers', () => {
    for (const role of KEY_VAULT_ROLES)
      expect(roleAllows(role, 'Microsoft.KeyVault/vaults/keys/read')).toBe(true);
  });
});
