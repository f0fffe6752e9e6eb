import { Secret } from '@vault-backup/config';
import { testHasher } from '../test/pipeline.fixtures';
import { fingerprintOf, fingerprintOfExisting } from './account-fingerprint';
import { computeChanges } from './account-patch';
import { type DesiredAccount } from './backup-account.mapper';
import { MANUAL_MANAGEMENT_REASON } from './backup-properties';

const base: DesiredAccount = {
  name: 'vb.ws-1.acc-1',
  safeName: 'Backups',
  platformId: 'VaultBackup',
  address: 'github.com',
  userName: 'octo',
  properties: { accountId: 'acc-1', provider: 'github', label: 'Admin', totpSecret: new Secret('seed-1') },
  secret: new Secret('pw-1'),
};

describe('computeChanges', () => {
  const current = fingerprintOf(base, testHasher);

  it('writes nothing when nothing changed', () => {
    const changes = computeChanges(current, base, testHasher);
    expect(changes.patch).toEqual([]);
    expect(changes.secret).toBeUndefined();
    expect(changes.next).toEqual(current);
  });

  it('replaces a changed property, adds a new one and removes a dropped one in one patch', () => {
    const desired: DesiredAccount = {
      ...base,
      properties: { accountId: 'acc-1', provider: 'github', label: 'Owner', phone: '+1555' },
    };
    const { patch, secret } = computeChanges(current, desired, testHasher);
    expect(patch).toEqual([
      { op: 'replace', path: '/platformAccountProperties/label', value: 'Owner' },
      { op: 'add', path: '/platformAccountProperties/phone', value: '+1555' },
      { op: 'remove', path: '/platformAccountProperties/totpSecret' },
    ]);
    expect(secret).toBeUndefined();
  });

  it('sends a changed password through Password/Update only', () => {
    const changes = computeChanges(current, { ...base, secret: new Secret('pw-2') }, testHasher);
    expect(changes.patch).toEqual([]);
    expect(changes.secret?.reveal()).toBe('pw-2');
  });

  it('replaces core fields that changed', () => {
    const { patch } = computeChanges(
      current,
      { ...base, address: 'gitlab.com', userName: undefined },
      testHasher,
    );
    expect(patch).toEqual([
      { op: 'replace', path: '/address', value: 'gitlab.com' },
      { op: 'replace', path: '/userName', value: '' },
    ]);
  });

  it('converges an adopted account: sets manual management and the secret, keeps matching fields', () => {
    const existing = fingerprintOfExisting(
      {
        name: 'vb.ws-1.acc-1',
        platformId: 'VaultBackup',
        address: 'github.com',
        userName: 'octo',
        platformAccountProperties: {
          accountId: 'acc-1',
          provider: 'github',
          label: 'Admin',
          totpSecret: 'seed-1',
        },
        secretManagement: { automaticManagementEnabled: true },
      },
      testHasher,
    );
    const { patch, secret } = computeChanges(existing, base, testHasher);
    expect(patch).toEqual([
      { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: false },
      { op: 'replace', path: '/secretManagement/manualManagementReason', value: MANUAL_MANAGEMENT_REASON },
    ]);
    expect(secret?.reveal()).toBe('pw-1');
  });

  it('hashes equal values differently in different accounts', () => {
    const other = fingerprintOf({ ...base, name: 'vb.ws-1.acc-2' }, testHasher);
    expect(other.secret).not.toBe(current.secret);
  });

  it('stores hashes, never values', () => {
    const fingerprint = JSON.stringify(fingerprintOf(base, testHasher));
    for (const value of ['pw-1', 'seed-1', 'Admin', 'octo', 'github.com'])
      expect(fingerprint).not.toContain(value);
  });
});
