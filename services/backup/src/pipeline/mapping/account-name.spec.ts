import { backupAccountName, MAX_ACCOUNT_NAME_LENGTH } from './account-name';

describe('backupAccountName', () => {
  it('is readable and stable for ordinary ids', () => {
    expect(backupAccountName('ws-1', 'acc_9')).toBe('vb.ws-1.acc_9');
    expect(backupAccountName('ws-1', 'acc_9')).toBe(backupAccountName('ws-1', 'acc_9'));
  });

  it('cannot collide across the workspace/account boundary', () => {
    expect(backupAccountName('a-', 'b')).not.toBe(backupAccountName('a', '-b'));
  });

  it('stays within the length limit for the longest ids, still unique and deterministic', () => {
    const workspace = 'w'.repeat(64);
    const first = backupAccountName(workspace, 'a'.repeat(64));
    const second = backupAccountName(workspace, `${'a'.repeat(63)}b`);
    expect(first.length).toBeLessThanOrEqual(MAX_ACCOUNT_NAME_LENGTH);
    expect(first).toMatch(/^vb\.w{60}\.h-[0-9a-f]{32}$/);
    expect(first).not.toBe(second);
    expect(backupAccountName(workspace, 'a'.repeat(64))).toBe(first);
  });
});
