import { CyberArkUnavailableError } from '@vault-backup/cyberark';
import { decodeAccountEvent } from '@vault-backup/event-contract';
import { EventSecretsResolver } from '../adapters/event-secrets.resolver';
import { accountRecord, activeWorkspace, testHasher } from '../test/pipeline.fixtures';
import { FakeGateway, InMemoryStateStore } from '../test/pipeline.fakes';
import { AccountWriter } from '../writer/account.writer';
import { type AccountJob, AccountJobRunner } from './account-job.runner';
import { TenantConcurrencyLimiter } from './concurrency-limiter';
import { TenantHealth } from './tenant-health';
import { WriteFence } from './write-fence';

function job(version: number, label = `v${version}`, extra: Record<string, unknown> = {}): AccountJob {
  const decoded = decodeAccountEvent(accountRecord({ accountId: 'acc-r', version, label, ...extra }));
  if (!decoded.ok) throw decoded.error;
  return { event: decoded.event, workspace: activeWorkspace(), leaseDeadline: Date.now() + 60_000 };
}

/** A runner of one process (`owner`), sharing the store and CyberArk with any other runner made from the same world. */
function world() {
  const gateway = new FakeGateway();
  const store = new InMemoryStateStore();
  const runnerOf = (owner: string) =>
    new AccountJobRunner(
      gateway,
      new EventSecretsResolver(async () => ({})),
      new AccountWriter(testHasher),
      new WriteFence(store, owner, 30_000),
      new TenantConcurrencyLimiter(4, 16),
      new TenantHealth(gateway, { minMs: 20, maxMs: 20 }),
      { writeDeadlineMs: 10_000 },
    );
  return { gateway, store, runnerOf, cyberArk: () => gateway.tenant('tenant-a') };
}

/** Stores an applied outcome as the batch processor would, then lets the runner forget it. */
async function persist(
  store: InMemoryStateStore,
  runner: AccountJobRunner,
  version: number,
  outcome: Awaited<ReturnType<AccountJobRunner['run']>>,
): Promise<void> {
  if (outcome.kind !== 'applied') throw new Error(`expected applied, got ${outcome.kind}`);
  const state = {
    workspaceId: 'ws-1',
    accountId: 'acc-r',
    appliedVersion: version,
    cyberArkAccountId: outcome.cyberArkAccountId,
    cyberArkName: outcome.cyberArkName,
    fingerprint: outcome.fingerprint,
    lastEventId: `e${version}`,
  };
  await store.saveOutcomes({
    applied: [state],
    deferred: [],
    resolvedPending: [],
    failures: [],
    skippedByWorkspace: new Map(),
  });
  runner.forgetPersisted([state]);
}

describe('AccountJobRunner', () => {
  it('reports a remembered but unstored write as applied without writing again, so it gets stored', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    expect(await subject.run(job(1))).toMatchObject({ kind: 'applied', writes: 1 });
    // The outcome was never persisted (no forgetPersisted) and the stored state is still empty.
    expect(await subject.run(job(1))).toMatchObject({
      kind: 'applied',
      writes: 0,
      cyberArkName: 'vb.ws-1.acc-r',
    });
    expect(cyberArk().calls).toEqual(['add']);
  });

  it('never writes an older version after a newer one, even once the newer one is stored and forgotten', async () => {
    // The root cause of the rollback seen under load: a job planned before v3 was stored ran after
    // the process had forgotten its own v3 write, diffed against nothing, adopted the account by name
    // and wrote v1 over v3. The fence is asked at the moment of writing.
    const { store, runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    await persist(store, subject, 3, await subject.run(job(3)));
    expect(await subject.run(job(1))).toMatchObject({ kind: 'superseded' });
    expect(cyberArk().calls).toEqual(['add']);
    expect(cyberArk().only().platformAccountProperties.label).toBe('v3');
  });

  it('refuses a write when a newer version was started elsewhere, even with nothing stored yet', async () => {
    const { runnerOf, cyberArk } = world();
    await runnerOf('other-process').run(job(3));
    expect(await runnerOf('a').run(job(2))).toEqual({ kind: 'superseded', reason: 'newer-version-started' });
    expect(cyberArk().only().platformAccountProperties.label).toBe('v3');
  });

  it('reads the account back when a write was started but its outcome never stored, and converges both halves', async () => {
    // v1 stored with a phone; v3's PATCH (which removed the phone) landed, then the process died
    // before Password/Update. The restarted process must not diff against v1 (a remove of an absent
    // property) and must still set v3's password.
    const { store, runnerOf, cyberArk } = world();
    const crashed = runnerOf('crashed');
    const v1 = { phone: '+15550100', secrets: { password: 'pw-1' } };
    await persist(store, crashed, 1, await crashed.run(job(1, 'v1', v1)));
    const account = cyberArk().only();
    // What the dead process managed: the fence taken for v3, and the PATCH applied.
    await store.beginWrites([{ workspaceId: 'ws-1', accountId: 'acc-r', version: 3 }], 'crashed');
    await cyberArk().updateAccount(account.id, [
      { op: 'remove', path: '/platformAccountProperties/phone' },
      { op: 'replace', path: '/platformAccountProperties/label', value: 'v3' },
    ]);
    cyberArk().calls.length = 0;

    const outcome = await runnerOf('restarted').run(job(3, 'v3', { secrets: { password: 'pw-3' } }));
    expect(outcome).toMatchObject({ kind: 'applied' });
    expect(cyberArk().calls[0]).toBe('get');
    expect(cyberArk().calls).toContain('secret');
    expect(cyberArk().only()).toMatchObject({ platformAccountProperties: { label: 'v3' }, secret: 'pw-3' });
    expect(cyberArk().only().platformAccountProperties.phone).toBeUndefined();
  });

  it('leaves an account alone after a write to it got no answer, so a late landing cannot follow a newer write', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    await subject.run(job(1));
    cyberArk().failNext = new CyberArkUnavailableError('timeout', 'no answer within 2 s');
    expect(await subject.run(job(2))).toMatchObject({
      kind: 'deferred',
      failure: { code: 'CYBERARK_UNAVAILABLE' },
    });
    const calls = cyberArk().calls.length;
    expect(await subject.run(job(3))).toMatchObject({
      kind: 'deferred',
      failure: { code: 'ABANDONED_WRITE_SETTLING', retryAfterMs: expect.any(Number) },
    });
    expect(cyberArk().calls).toHaveLength(calls);
  });

  it('never makes a batch’s write the trial call of a half-open tenant; the retry worker’s may be', async () => {
    const { runnerOf, gateway, cyberArk } = world();
    const subject = runnerOf('a');
    gateway.halfOpenCircuits.add('tenant-a');
    expect(await subject.run(job(1))).toMatchObject({ kind: 'deferred', failure: { code: 'CIRCUIT_OPEN' } });
    expect(cyberArk().calls).toEqual([]);
    expect(await subject.run({ ...job(1), mayProbe: true })).toMatchObject({ kind: 'applied' });
  });

  it('trusts its own remembered write when the fence says it came last, without reading back', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    await subject.run(job(1));
    expect(await subject.run(job(2, 'two'))).toMatchObject({ kind: 'applied', writes: 1 });
    expect(cyberArk().calls).toEqual(['add', 'patch']);
  });

  it('serialises writes of one account and diffs each against the previous write', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    cyberArk().latencyMs = 30;
    const [first, second] = await Promise.all([subject.run(job(1, 'one')), subject.run(job(2, 'two'))]);
    expect(first.kind).toBe('applied');
    expect(second).toMatchObject({ kind: 'applied', writes: 1 });
    expect(cyberArk().calls).toEqual(['add', 'patch']);
    expect(cyberArk().only().platformAccountProperties.label).toBe('two');
  });

  it('marks a tenant stalled while a write outlives its deadline: queued and new writes are parked at once', async () => {
    const { runnerOf, gateway, cyberArk } = world();
    const subject = runnerOf('a');
    const limited = new AccountJobRunner(
      gateway,
      new EventSecretsResolver(async () => ({})),
      new AccountWriter(testHasher),
      new WriteFence(new InMemoryStateStore(), 'a', 30_000),
      new TenantConcurrencyLimiter(1, 16),
      new TenantHealth(gateway, { minMs: 20, maxMs: 20 }),
      { writeDeadlineMs: 10_000 },
    );
    cyberArk().latencyMs = 300;
    const hanging = limited.run(job(1));
    const queued = limited.run(otherAccount(1));
    // The first write holds the tenant's only slot past 20 ms: the queued one leaves the queue parked.
    expect(await queued).toMatchObject({ kind: 'deferred', failure: { code: 'TENANT_STALLED' } });
    expect(await limited.run(otherAccount(2))).toMatchObject({
      kind: 'deferred',
      failure: { code: 'TENANT_STALLED' },
    });
    expect(await hanging).toMatchObject({ kind: 'applied' });
    cyberArk().latencyMs = 0;
    expect(await limited.run(otherAccount(2))).toMatchObject({ kind: 'applied' });
    expect(subject).toBeDefined();
  });

  it('parks at once a write waiting behind a slow write of the same account at a stalled tenant', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    cyberArk().latencyMs = 300;
    const hanging = subject.run(job(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const waiting = subject.run(job(2, 'two'));
    expect(await Promise.race([waiting, hanging.then(() => 'the slow write ended first')])).toMatchObject({
      kind: 'deferred',
      failure: { code: 'TENANT_STALLED' },
    });
    await hanging;
  });

  it('tells the listeners when a tenant whose backups were parked by an outage answers again', async () => {
    const { runnerOf, cyberArk } = world();
    const subject = runnerOf('a');
    const recovered: (readonly string[])[] = [];
    subject.onTenantRecovered((workspaceIds) => recovered.push(workspaceIds));
    cyberArk().failNext = new CyberArkUnavailableError('server-error', '503', { status: 503 });
    expect(await subject.run(job(1))).toMatchObject({ kind: 'deferred' });
    expect(recovered).toEqual([]);
    expect(await subject.run(job(1))).toMatchObject({ kind: 'applied' });
    expect(recovered).toEqual([['ws-1']]);
  });
});

function otherAccount(version: number): AccountJob {
  const decoded = decodeAccountEvent(accountRecord({ accountId: 'acc-other', version }));
  if (!decoded.ok) throw decoded.error;
  return { event: decoded.event, workspace: activeWorkspace(), leaseDeadline: Date.now() + 60_000 };
}
