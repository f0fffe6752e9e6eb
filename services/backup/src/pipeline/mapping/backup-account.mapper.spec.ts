import { Secret } from '@vault-backup/config';
import { toDesiredAccount, type BackupTarget } from './backup-account.mapper';

const target: BackupTarget = { safeName: 'Backups', platformId: 'VaultBackup', metadataOnly: false };
const snapshot = {
  workspaceId: 'ws-1',
  accountId: 'acc-1',
  version: 3,
  provider: 'github',
  label: 'Admin',
  url: 'https://github.com/login?next=/',
  username: 'octo',
  email: 'octo@example.com',
  phone: '+15550100',
};
const secrets = {
  password: new Secret('pw'),
  totpSecret: new Secret('JBSWY3DPEHPK3PXP'),
  backupCodes: new Secret<readonly string[]>(['111-111', '222-222']),
};

function reveal(value: unknown): unknown {
  return value instanceof Secret ? value.reveal() : value;
}

describe('toDesiredAccount', () => {
  it('maps the snapshot onto the ten platform properties and the core fields', () => {
    const desired = toDesiredAccount(snapshot, secrets, target);
    expect(desired).toMatchObject({
      name: 'vb.ws-1.acc-1',
      safeName: 'Backups',
      platformId: 'VaultBackup',
      address: 'github.com',
      userName: 'octo',
    });
    expect(
      Object.fromEntries(Object.entries(desired.properties).map(([key, value]) => [key, reveal(value)])),
    ).toEqual({
      accountId: 'acc-1',
      provider: 'github',
      label: 'Admin',
      url: 'https://github.com/login?next=/',
      phone: '+15550100',
      email: 'octo@example.com',
      totpSecret: 'JBSWY3DPEHPK3PXP',
      backupCodes: '["111-111","222-222"]',
    });
    expect(desired.secret?.reveal()).toBe('pw');
  });

  it('keeps secret property values wrapped so they cannot reach a log', () => {
    const desired = toDesiredAccount(snapshot, secrets, target);
    expect(JSON.stringify(desired)).not.toContain('JBSWY3DPEHPK3PXP');
    expect(JSON.stringify(desired)).not.toContain('111-111');
  });

  it('falls back to the provider as address and to the email as user name', () => {
    const desired = toDesiredAccount({ ...snapshot, url: undefined, username: undefined }, undefined, target);
    expect(desired.address).toBe('github');
    expect(desired.userName).toBe('octo@example.com');
  });

  it('omits empty values so that removing them at the source removes them in CyberArk', () => {
    const desired = toDesiredAccount(
      { ...snapshot, phone: '', email: '   ', label: undefined },
      { password: new Secret('') },
      target,
    );
    expect(desired.properties).not.toHaveProperty('phone');
    expect(desired.properties).not.toHaveProperty('email');
    expect(desired.properties).not.toHaveProperty('label');
    expect(desired.secret).toBeUndefined();
  });

  it('writes no secret at all for a metadata-only backup', () => {
    const desired = toDesiredAccount(snapshot, secrets, { ...target, metadataOnly: true });
    expect(desired.secret).toBeUndefined();
    expect(desired.properties).not.toHaveProperty('totpSecret');
    expect(desired.properties).not.toHaveProperty('backupCodes');
    expect(desired.properties).toHaveProperty('label', 'Admin');
  });
});
