import { decodeAccountEvent } from '@vault-backup/event-contract';
import { EventSecretsResolver } from '../adapters/event-secrets.resolver';
import { accountRecord, activeWorkspace, testHasher } from '../test/pipeline.fixtures';
import { FakeGateway } from '../test/pipeline.fakes';
import { AccountWriter } from '../writer/account.writer';
import { AccountJobRunner } from './account-job.runner';
import { TenantConcurrencyLimiter } from './concurrency-limiter';

function job(version: number, label = `v${version}`) {
  const decoded = decodeAccountEvent(accountRecord({ accountId: 'acc-r', version, label }));
  if (!decoded.ok) throw decoded.error;
  return {
    event: decoded.event,
    workspace: activeWorkspace(),
    state: undefined,
    leaseDeadline: Date.now() + 60_000,
  };
}

function runner() {
  const gateway = new FakeGateway();
  const subject = new AccountJobRunner(
    gateway,
    new EventSecretsResolver(async () => ({})),
    new AccountWriter(testHasher),
    new TenantConcurrencyLimiter(4, 16),
    { writeDeadlineMs: 10_000 },
  );
  return { gateway, subject };
}

describe('AccountJobRunner', () => {
  it('reports a remembered but unstored write as applied without writing again, so it gets stored', async () => {
    const { gateway, subject } = runner();
    const first = await subject.run(job(1));
    expect(first).toMatchObject({ kind: 'applied', writes: 1 });
    // The outcome was never persisted (no forgetPersisted) and the stored state is still empty.
    const again = await subject.run(job(1));
    expect(again).toMatchObject({ kind: 'applied', writes: 0, cyberArkName: 'vb.ws-1.acc-r' });
    expect(gateway.tenant('tenant-a').calls).toEqual(['add']);
  });

  it('treats a version at or below one already stored as superseded', async () => {
    const { subject } = runner();
    const applied = await subject.run(job(2));
    if (applied.kind !== 'applied') throw new Error('expected applied');
    subject.forgetPersisted([{ workspaceId: 'ws-1', accountId: 'acc-r', appliedVersion: 2 }]);
    const stored = {
      workspaceId: 'ws-1',
      accountId: 'acc-r',
      appliedVersion: 2,
      cyberArkAccountId: applied.cyberArkAccountId,
      cyberArkName: 'vb.ws-1.acc-r',
      fingerprint: applied.fingerprint,
      lastEventId: 'e2',
    };
    expect(await subject.run({ ...job(1), state: stored })).toEqual({
      kind: 'superseded',
      reason: 'already-applied',
    });
  });

  it('serialises writes of one account and diffs each against the previous write', async () => {
    const { gateway, subject } = runner();
    gateway.tenant('tenant-a').latencyMs = 30;
    const [first, second] = await Promise.all([subject.run(job(1, 'one')), subject.run(job(2, 'two'))]);
    expect(first.kind).toBe('applied');
    expect(second).toMatchObject({ kind: 'applied', writes: 1 });
    expect(gateway.tenant('tenant-a').calls).toEqual(['add', 'patch']);
    expect(gateway.tenant('tenant-a').only().platformAccountProperties.label).toBe('two');
  });

  it('marks a tenant stalled while a late write runs, and parks its new writes at once', async () => {
    const { subject } = runner();
    let finish!: () => void;
    subject.markStalled('tenant-a', new Promise<void>((resolve) => (finish = resolve)));
    expect(await subject.run(job(1))).toMatchObject({
      kind: 'deferred',
      failure: { code: 'TENANT_STALLED' },
    });
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await subject.run(job(1))).toMatchObject({ kind: 'applied' });
  });
});
