import { type WriteLogEntry, type WriteOperation } from '../cyberark-simulator/simulator-control.types';
import { AccountWorkload, expectedPlatformProperties, passwordOf } from './account-workload';
import { checkHistory, type HistoryTotals, mergeExpectations } from './history-checker';
import { type DeadLetterEntry, sha256Hex } from './history.types';

const WS = 'ws-1';
const TENANT = 'tenant-1';
const ZERO: HistoryTotals = {
  lost: 0,
  duplicateAccounts: 0,
  nonMonotonic: 0,
  staleFinal: 0,
  inconsistent: 0,
  falseDeadLetters: 0,
  unknownWrites: 0,
  misrouted: 0,
};

/** A workload whose sent events are exactly acc-0 v1..v3 (no duplicates, no reordering). */
async function sentWorkload(): Promise<AccountWorkload> {
  const workload = new AccountWorkload({
    seed: 7,
    workspaces: [WS],
    accountsPerWorkspace: 1,
    versions: 3,
    duplicateRate: 0,
    reorderRate: 0,
    structuredRate: 0,
  });
  await workload.emit(fakeProducer(), { topics: { created: 'c', updated: 'u' }, ratePerSecond: 10_000 });
  return workload;
}

function fakeProducer() {
  return {
    sendBatch: async () => [],
    send: async () => [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: '0' }],
  } as unknown as import('kafkajs').Producer;
}

class LogBuilder {
  readonly entries: WriteLogEntry[] = [];
  private seq = 0;

  write(
    operation: WriteOperation,
    options: {
      account?: string;
      id?: string;
      properties?: number | Record<string, string>;
      secret?: number | null;
      tenant?: string;
      workspace?: string;
    },
  ): this {
    const account = options.account ?? 'acc-0';
    const workspace = options.workspace ?? WS;
    const previous = [...this.entries]
      .reverse()
      .find((entry) => entry.accountName === `vb.${workspace}.${account}`);
    const properties =
      typeof options.properties === 'number'
        ? expectedPlatformProperties(workspace, account, options.properties)
        : (options.properties ?? previous?.properties ?? {});
    const secretDigest =
      options.secret === undefined
        ? (previous?.secretDigest ?? null)
        : options.secret === null
          ? null
          : sha256Hex(passwordOf(account, options.secret));
    this.seq += 1;
    this.entries.push({
      seq: this.seq,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, this.seq)).toISOString(),
      monotonicMs: this.seq * 1000,
      tenant: options.tenant ?? TENANT,
      operation,
      safeName: 'Safe',
      accountName: `vb.${workspace}.${account}`,
      accountId: options.id ?? '1_1',
      properties,
      secretDigest,
    });
    return this;
  }
}

describe('checkHistory', () => {
  let workload: AccountWorkload;

  beforeAll(async () => {
    workload = await sentWorkload();
  });

  const check = (log: LogBuilder, deadLetters: DeadLetterEntry[] = []) =>
    checkHistory({ writes: log.entries, expectations: workload, deadLetters, tenantOf: () => TENANT });

  it('reports zero everywhere for a clean history with a reordered-but-monotonic sequence', () => {
    const log = new LogBuilder()
      .write('add', { properties: 2, secret: 2 })
      .write('patch', { properties: 3 })
      .write('password-update', { secret: 3 });
    const result = check(log);
    expect(result.totals).toEqual(ZERO);
    expect(result.offending).toEqual([]);
    expect(result.accounts[0]).toMatchObject({ finalPropertiesVersion: 3, finalSecretVersion: 3 });
  });

  it('counts an account never written, or written only up to an older version, as lost and stale', () => {
    expect(check(new LogBuilder()).totals).toMatchObject({ lost: 1, staleFinal: 1 });
    const partial = check(new LogBuilder().write('add', { properties: 3, secret: 2 }));
    expect(partial.totals).toMatchObject({ lost: 1, staleFinal: 1, nonMonotonic: 0 });
  });

  it('counts a properties rollback even when a later write heals it', () => {
    const log = new LogBuilder()
      .write('add', { properties: 1, secret: 1 })
      .write('patch', { properties: 3 })
      .write('patch', { properties: 2 })
      .write('patch', { properties: 3 })
      .write('password-update', { secret: 3 });
    const result = check(log);
    expect(result.totals).toEqual({ ...ZERO, nonMonotonic: 1 });
    expect(result.accounts[0]?.writes[2]?.problems).toEqual(['properties-rollback']);
  });

  it('tracks the secret separately from the properties', () => {
    const log = new LogBuilder()
      .write('add', { properties: 1, secret: 1 })
      .write('patch', { properties: 3 })
      .write('password-update', { secret: 3 })
      .write('password-update', { secret: 2 })
      .write('password-update', { secret: 3 });
    expect(check(log).totals).toEqual({ ...ZERO, nonMonotonic: 1 });
  });

  it('counts a final state that is not the newest as stale even when the newest was written once', () => {
    const log = new LogBuilder()
      .write('add', { properties: 3, secret: 3 })
      .write('patch', { properties: 2 })
      .write('password-update', { secret: 2 });
    expect(check(log).totals).toEqual({ ...ZERO, nonMonotonic: 2, staleFinal: 1 });
  });

  it('counts two live CyberArk accounts for one workspace account as a duplicate', () => {
    const log = new LogBuilder()
      .write('add', { id: '1_1', properties: 3, secret: 3 })
      .write('add', { id: '1_2', properties: 3, secret: 3 });
    expect(check(log).totals).toEqual({ ...ZERO, duplicateAccounts: 1 });
    const recreated = new LogBuilder()
      .write('add', { id: '1_1', properties: 2, secret: 2 })
      .write('delete', { id: '1_1' })
      .write('add', { id: '1_2', properties: 3, secret: 3 });
    expect(check(recreated).totals).toEqual(ZERO);
  });

  it('counts properties that match no single version (a stale diff left a property behind) as inconsistent', () => {
    const leftover = { ...expectedPlatformProperties(WS, 'acc-0', 3), phone: '+15550100001' };
    const log = new LogBuilder()
      .write('add', { properties: 3, secret: 3 })
      .write('patch', { properties: leftover });
    const result = check(log);
    expect(result.totals).toEqual({ ...ZERO, inconsistent: 1, staleFinal: 1 });
    expect(result.accounts[0]?.writes[1]?.mismatches).toEqual(['phone: (absent) → "+15550100001"']);
    const unlabelled = new LogBuilder().write('add', { properties: { label: 'other' }, secret: 3 });
    expect(check(unlabelled).totals).toMatchObject({ inconsistent: 1, lost: 1 });
  });

  it('counts a dead-lettered valid event as a false dead letter, and a poison record as none', () => {
    const log = new LogBuilder().write('add', { properties: 3, secret: 3 });
    const result = check(log, [
      {
        key: `${WS}:acc-0`,
        headers: { 'vb-dlq-error-class': 'invalid-property', 'vb-dlq-error-message': 'PASWS164E' },
        event: { workspaceId: WS, accountId: 'acc-0', version: 2 },
      },
      { key: `${WS}:acc-0`, headers: {}, poison: 'not-json' },
    ]);
    expect(result.totals).toEqual({ ...ZERO, falseDeadLetters: 1 });
    expect(result.info.poisonDeadLetters).toBe(1);
    expect(result.report()).toContain(`false dead letter: ${WS}/acc-0 v2: invalid-property: PASWS164E`);
  });

  it('counts writes to accounts never sent, and writes to another tenant', () => {
    const log = new LogBuilder()
      .write('add', { properties: 3, secret: 3, tenant: 'tenant-2' })
      .write('add', { account: 'acc-9', properties: 1, secret: 1 });
    expect(check(log).totals).toEqual({ ...ZERO, misrouted: 1, unknownWrites: 1 });
  });

  it('ignores the writes and dead letters of excluded workspaces', () => {
    const log = new LogBuilder()
      .write('add', { properties: 3, secret: 3 })
      .write('add', { workspace: 'ws-broken', properties: 1, secret: 1 });
    const result = checkHistory({
      writes: log.entries,
      expectations: workload,
      deadLetters: [{ key: 'ws-broken:acc-0', headers: {} }],
      excludeWorkspaces: ['ws-broken'],
    });
    expect(result.totals).toEqual(ZERO);
    expect(result.info.ignoredDeadLetters).toBe(1);
  });

  it('reports the offending accounts with their write sequence', () => {
    const log = new LogBuilder()
      .write('add', { properties: 1, secret: 1 })
      .write('patch', { properties: 3 })
      .write('patch', { properties: 2 });
    const report = check(log).report();
    expect(report).toContain('nonMonotonic 1');
    expect(report).toContain(
      `${WS}/acc-0 (newest v3, 3 writes): lost, staleFinal (properties v2, secret v1)`,
    );
    expect(report).toMatch(/#3 00:00:03\.000 patch\s+1_1\s+props v2\s+← properties-rollback/);
  });

  it('merges the expectations of several workloads', async () => {
    const other = new AccountWorkload({
      seed: 1,
      workspaces: ['ws-2'],
      accountsPerWorkspace: 1,
      versions: 1,
      duplicateRate: 0,
    });
    await other.emit(fakeProducer(), { topics: { created: 'c', updated: 'u' }, ratePerSecond: 10_000 });
    const log = new LogBuilder()
      .write('add', { properties: 3, secret: 3 })
      .write('add', { workspace: 'ws-2', id: '2_1', properties: 1, secret: 1 });
    const result = checkHistory({ writes: log.entries, expectations: mergeExpectations(workload, other) });
    expect(result.totals).toEqual(ZERO);
    expect(result.info.accounts).toBe(2);
  });
});
