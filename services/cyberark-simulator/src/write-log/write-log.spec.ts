import { createHash } from 'node:crypto';
import { type StoredAccount } from '../state/state.types';
import { WriteLog } from './write-log';

function account(overrides: Partial<StoredAccount> = {}): StoredAccount {
  return {
    id: '2_1',
    name: 'acc',
    address: 'host.example.com',
    userName: 'admin',
    platformId: 'WinDomain',
    safeName: 'Backup',
    secretType: 'password',
    secret: 'pw-1',
    platformAccountProperties: { Port: '22' },
    secretManagement: { automaticManagementEnabled: false, status: 'success', lastModifiedTime: 1 },
    createdTime: 1,
    categoryModificationTime: 1,
    ...overrides,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('WriteLog', () => {
  it('records the account after the write with a digest of the secret, never the secret', () => {
    const log = new WriteLog();
    log.record('acme', 'add', account());
    const [entry] = log.read().entries;
    expect(entry).toEqual({
      seq: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      monotonicMs: expect.any(Number),
      tenant: 'acme',
      operation: 'add',
      safeName: 'Backup',
      accountName: 'acc',
      accountId: '2_1',
      properties: { Port: '22' },
      address: 'host.example.com',
      userName: 'admin',
      secretDigest: sha256('pw-1'),
    });
    expect(JSON.stringify(entry)).not.toContain('pw-1');
  });

  it('copies the property map, so later changes to the account do not rewrite history', () => {
    const log = new WriteLog();
    const stored = account();
    log.record('acme', 'add', stored);
    stored.platformAccountProperties.Port = '23';
    expect(log.read().entries[0]?.properties).toEqual({ Port: '22' });
  });

  it('leaves out an empty address and user name and has no digest without a secret', () => {
    const log = new WriteLog();
    log.record('acme', 'add', account({ address: '', userName: '', secret: '' }));
    const [entry] = log.read().entries;
    expect(entry).not.toHaveProperty('address');
    expect(entry).not.toHaveProperty('userName');
    expect(entry?.secretDigest).toBeNull();
  });

  it('numbers entries in commit order with non-decreasing monotonic times', () => {
    const log = new WriteLog();
    log.record('acme', 'add', account());
    log.record('acme', 'patch', account());
    log.record('acme', 'password-update', account({ secret: 'pw-2' }));
    const entries = log.read().entries;
    expect(entries.map((entry) => [entry.seq, entry.operation])).toEqual([
      [1, 'add'],
      [2, 'patch'],
      [3, 'password-update'],
    ]);
    expect(entries[1]?.monotonicMs).toBeGreaterThanOrEqual(entries[0]?.monotonicMs ?? Infinity);
    expect(entries[2]?.monotonicMs).toBeGreaterThanOrEqual(entries[1]?.monotonicMs ?? Infinity);
    expect(entries[2]?.secretDigest).toBe(sha256('pw-2'));
  });

  it('pages with a since cursor and a limit, filters by tenant, and keeps numbering across clear', () => {
    const log = new WriteLog();
    for (const tenant of ['a', 'b', 'a', 'b', 'a']) log.record(tenant, 'patch', account());
    const page = log.read(0, undefined, 2);
    expect(page.entries.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(log.read(page.cursor).entries.map((entry) => entry.seq)).toEqual([3, 4, 5]);
    expect(log.read(0, 'A').entries.map((entry) => entry.seq)).toEqual([1, 3, 5]);
    log.clear();
    expect(log.read().entries).toEqual([]);
    log.record('a', 'delete', account());
    expect(log.read(5).entries.map((entry) => entry.seq)).toEqual([6]);
  });

  it('keeps only the newest entries beyond its capacity', () => {
    const log = new WriteLog(10);
    for (let index = 0; index < 25; index++) log.record('a', 'patch', account());
    const entries = log.read().entries;
    expect(entries.length).toBeLessThanOrEqual(11);
    expect(entries.at(-1)?.seq).toBe(25);
  });
});
