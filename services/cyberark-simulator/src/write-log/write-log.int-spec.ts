import { createHash } from 'node:crypto';
import {
  type Harness,
  SAFE,
  TENANT,
  expectOk,
  newAccount,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

interface WriteEntry {
  seq: number;
  time: string;
  monotonicMs: number;
  tenant: string;
  operation: string;
  safeName: string;
  accountName: string;
  accountId: string;
  properties: Record<string, string>;
  address?: string;
  userName?: string;
  secretDigest: string | null;
}

interface WritePage {
  entries: WriteEntry[];
  cursor: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('write log (HTTP)', () => {
  let harness: Harness;
  let token: string;

  const writeLog = async (query = '') =>
    (await expectOk(harness.control('GET', `/write-log${query}`))).json as WritePage;
  const add = (body: Record<string, unknown>) => harness.api('POST', '/Accounts', { token, body });
  const addOk = async (body: Record<string, unknown>) =>
    (await expectOk(add(body))).json as { id: string; name: string };
  const patch = (id: string, operations: unknown) =>
    harness.api('PATCH', `/Accounts/${id}`, { token, body: operations });
  const updatePassword = (id: string, secret: string) =>
    harness.api('POST', `/Accounts/${id}/Password/Update`, { token, body: { NewCredentials: secret } });

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
    token = await harness.token();
  });

  it('records add, patch, password update and delete in commit order, with the account after each', async () => {
    const created = await addOk(newAccount({ name: 'a1', platformAccountProperties: { Port: '22' } }));
    await expectOk(
      patch(created.id, [
        { op: 'add', path: '/platformAccountProperties/LogonDomain', value: 'CORP' },
        { op: 'remove', path: '/platformAccountProperties/Port' },
      ]),
    );
    await expectOk(updatePassword(created.id, 'rotated-secret'));
    await expectOk(harness.api('DELETE', `/Accounts/${created.id}`, { token }));
    const { entries } = await writeLog();
    const identity = { tenant: TENANT, safeName: SAFE, accountName: 'a1', accountId: created.id };
    const host = { address: 'host-1.example.com', userName: 'svc-user' };
    expect(entries).toEqual([
      {
        seq: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        monotonicMs: expect.any(Number),
        ...identity,
        ...host,
        operation: 'add',
        properties: { Port: '22' },
        secretDigest: sha256('P@ssw0rd-1'),
      },
      expect.objectContaining({
        operation: 'patch',
        ...identity,
        properties: { LogonDomain: 'CORP' },
        secretDigest: sha256('P@ssw0rd-1'),
      }),
      expect.objectContaining({
        operation: 'password-update',
        properties: { LogonDomain: 'CORP' },
        secretDigest: sha256('rotated-secret'),
      }),
      expect.objectContaining({ operation: 'delete', ...identity }),
    ]);
    const first = entries[0]?.seq ?? 0;
    expect(entries.map((entry) => entry.seq)).toEqual([first, first + 1, first + 2, first + 3]);
    const times = entries.map((entry) => entry.monotonicMs);
    expect(times).toEqual([...times].sort((left, right) => left - right));
    const text = JSON.stringify(entries);
    expect(text).not.toContain('P@ssw0rd-1');
    expect(text).not.toContain('rotated-secret');
  });

  it('leaves out writes the simulator rejected or never ran', async () => {
    const created = await addOk(newAccount({ name: 'kept' }));
    const rejected = [
      await add(newAccount({ name: 'KEPT' })),
      await patch(created.id, [{ op: 'remove', path: '/platformAccountProperties/Missing' }]),
      await patch(created.id, [{ op: 'add', path: '/platformAccountProperties/Undefined', value: 'x' }]),
      await updatePassword(created.id, '   '),
      await harness.api('DELETE', '/Accounts/2_999', { token }),
      await harness.api('POST', '/Accounts', { token: 'not-a-token', body: newAccount({ name: 'x' }) }),
    ];
    expect(rejected.map((answer) => answer.status)).toEqual([409, 400, 400, 400, 404, 401]);
    await expectOk(harness.control('POST', `/tenants/${TENANT}/faults`, { type: 'http-error', count: 1 }));
    expect((await add(newAccount({ name: 'faulted' }))).status).toBe(503);
    expect((await writeLog()).entries.map((entry) => [entry.operation, entry.accountName])).toEqual([
      ['add', 'kept'],
    ]);
  });

  it('has the write committed under delay-after-write before the delayed answer arrives', async () => {
    await expectOk(
      harness.control('POST', `/tenants/${TENANT}/faults`, {
        type: 'delay-after-write',
        delayMs: 400,
        count: 1,
      }),
    );
    const pending = add(newAccount({ name: 'late-answer' }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await writeLog()).entries).toEqual([
      expect.objectContaining({ operation: 'add', accountName: 'late-answer' }),
    ]);
    expect((await pending).status).toBe(201);
  });

  it('pages with since and limit, filters by tenant, and is cleared by reset and DELETE', async () => {
    for (const name of ['w1', 'w2', 'w3']) await addOk(newAccount({ name }));
    const first = await writeLog('?limit=2');
    expect(first.entries.map((entry) => entry.accountName)).toEqual(['w1', 'w2']);
    const rest = await writeLog(`?since=${first.cursor}&limit=2`);
    expect(rest.entries.map((entry) => entry.accountName)).toEqual(['w3']);
    expect((await writeLog(`?since=${rest.cursor}`)).entries).toEqual([]);
    expect((await writeLog(`?tenant=${TENANT.toUpperCase()}`)).entries).toHaveLength(3);
    expect((await writeLog('?tenant=other')).entries).toEqual([]);
    await expectOk(harness.control('DELETE', '/write-log'));
    expect((await writeLog()).entries).toEqual([]);
    await addOk(newAccount({ name: 'w4' }));
    // Sequence numbers keep growing, so an old cursor still reads only what is new.
    expect((await writeLog(`?since=${rest.cursor}`)).entries.map((entry) => entry.seq)).toEqual([
      rest.cursor + 1,
    ]);
    await expectOk(harness.control('POST', '/reset'));
    expect((await writeLog()).entries).toEqual([]);
  });
});
