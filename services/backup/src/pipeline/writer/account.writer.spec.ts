import { Secret } from '@vault-backup/config';
import { type DesiredAccount } from '../mapping/backup-account.mapper';
import { MANUAL_MANAGEMENT_REASON } from '../mapping/backup-properties';
import { FakeCyberArkAccounts, testHasher } from '../test/pipeline.fixtures';
import { type AccountBase, AccountWriter } from './account.writer';

const ABSENT: AccountBase = { kind: 'absent' };

const desired: DesiredAccount = {
  name: 'vb.ws-1.acc-1',
  safeName: 'Backups',
  platformId: 'VaultBackup',
  address: 'github.com',
  userName: 'octo',
  properties: { accountId: 'acc-1', provider: 'github', label: 'Admin' },
  secret: new Secret('pw-1'),
};

describe('AccountWriter', () => {
  const writer = new AccountWriter(testHasher);

  it('creates a new account with one write, manual management and the secret', async () => {
    const cyberark = new FakeCyberArkAccounts();
    const result = await writer.apply(cyberark, desired, ABSENT);
    expect(result.writes).toBe(1);
    expect(cyberark.calls).toEqual(['add']);
    expect(cyberark.only()).toMatchObject({
      name: 'vb.ws-1.acc-1',
      secret: 'pw-1',
      platformAccountProperties: { label: 'Admin' },
      secretManagement: {
        automaticManagementEnabled: false,
        manualManagementReason: MANUAL_MANAGEMENT_REASON,
      },
    });
  });

  it('sends nothing when the known state already matches', async () => {
    const cyberark = new FakeCyberArkAccounts();
    const created = await writer.apply(cyberark, desired, ABSENT);
    const again = await writer.apply(cyberark, desired, {
      kind: 'known',
      cyberArkAccountId: created.cyberArkAccountId,
      fingerprint: created.fingerprint,
    });
    expect(again.writes).toBe(0);
    expect(cyberark.calls).toEqual(['add']);
  });

  it('updates only the property that changed, with one patch', async () => {
    const cyberark = new FakeCyberArkAccounts();
    const created = await writer.apply(cyberark, desired, ABSENT);
    const changed = { ...desired, properties: { ...desired.properties, label: 'Owner' } };
    const result = await writer.apply(cyberark, changed, {
      kind: 'known',
      cyberArkAccountId: created.cyberArkAccountId,
      fingerprint: created.fingerprint,
    });
    expect(result.writes).toBe(1);
    expect(cyberark.calls).toEqual(['add', 'patch']);
    expect(cyberark.only().platformAccountProperties.label).toBe('Owner');
  });

  it('adopts the account when our earlier create landed but was never recorded (no duplicate)', async () => {
    const cyberark = new FakeCyberArkAccounts();
    await writer.apply(cyberark, desired, ABSENT);
    const result = await writer.apply(cyberark, { ...desired, secret: new Secret('pw-2') }, ABSENT);
    expect(cyberark.accounts.size).toBe(1);
    expect(cyberark.only().secret).toBe('pw-2');
    expect(cyberark.calls).toEqual(['add', 'add', 'secret']);
    expect(result.writes).toBe(2);
  });

  it('recreates the backup when it was deleted in CyberArk', async () => {
    const cyberark = new FakeCyberArkAccounts();
    const created = await writer.apply(cyberark, desired, ABSENT);
    cyberark.accounts.clear();
    const changed = { ...desired, properties: { ...desired.properties, label: 'Owner' } };
    const result = await writer.apply(cyberark, changed, {
      kind: 'known',
      cyberArkAccountId: created.cyberArkAccountId,
      fingerprint: created.fingerprint,
    });
    expect(cyberark.only().platformAccountProperties.label).toBe('Owner');
    expect(result.cyberArkAccountId).not.toBe(created.cyberArkAccountId);
  });

  it('reads an uncertain account back and diffs against what it holds, setting the unknowable secret', async () => {
    const cyberark = new FakeCyberArkAccounts();
    const created = await writer.apply(
      cyberark,
      { ...desired, properties: { ...desired.properties, phone: '+1555' } },
      ABSENT,
    );
    // Someone (our crashed write) already removed the phone; a diff from the old fingerprint would remove it again.
    await cyberark.updateAccount(created.cyberArkAccountId, [
      { op: 'remove', path: '/platformAccountProperties/phone' },
    ]);
    cyberark.calls.length = 0;
    const result = await writer.apply(
      cyberark,
      { ...desired, secret: new Secret('pw-3') },
      {
        kind: 'uncertain',
        cyberArkAccountId: created.cyberArkAccountId,
      },
    );
    expect(cyberark.calls).toEqual(['get', 'secret']);
    expect(result.writes).toBe(1);
    expect(cyberark.only()).toMatchObject({ secret: 'pw-3', platformAccountProperties: { label: 'Admin' } });
  });

  it('finds an uncertain account without a known id by name, through an idempotent add', async () => {
    const cyberark = new FakeCyberArkAccounts();
    await writer.apply(cyberark, desired, ABSENT);
    await writer.apply(cyberark, { ...desired, secret: new Secret('pw-2') }, { kind: 'uncertain' });
    expect(cyberark.accounts.size).toBe(1);
    expect(cyberark.only().secret).toBe('pw-2');
  });

  it('lets other failures through for the caller to classify', async () => {
    const cyberark = new FakeCyberArkAccounts();
    cyberark.failNext = new Error('boom');
    await expect(writer.apply(cyberark, desired, ABSENT)).rejects.toThrow('boom');
  });
});
