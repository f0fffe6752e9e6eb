import { CyberArkUnavailableError } from '@vault-backup/cyberark';
import { AppError } from '@vault-backup/errors';
import { silentLogger } from '@vault-backup/testing';
import { Registry } from 'prom-client';
import { EventSecretsResolver } from '../adapters/event-secrets.resolver';
import { AccountJobRunner } from '../batch/account-job.runner';
import { TenantConcurrencyLimiter } from '../batch/concurrency-limiter';
import { OutcomeCommitter } from '../batch/outcome-committer';
import { OutcomeRecorder } from '../batch/outcome-recorder';
import { PipelineMetrics } from '../metrics/pipeline.metrics';
import { accountRecord, activeWorkspace, rawRecord, testHasher } from '../test/pipeline.fixtures';
import {
  FakeDeadLetter,
  FakeGateway,
  FakeSealer,
  FakeTargets,
  InMemoryStateStore,
} from '../test/pipeline.fakes';
import { AccountWriter } from '../writer/account.writer';
import { PendingRetryWorker } from './pending-retry.worker';
import { TenantHealth } from '../batch/tenant-health';
import { WriteFence } from '../batch/write-fence';

const HOUR = 3_600_000;

/** The shape of a Key Vault refusal after the customer revoked our access: retriable, within the budget. */
class KeyOutOfReachError extends AppError {
  readonly code = 'KEY_FORBIDDEN';
  readonly retriable = true;
  readonly errorClass = 'key-access-revoked';

  constructor() {
    super('the service principal may no longer use the workspace key');
  }
}

function setup(now: { value: number }) {
  const store = new InMemoryStateStore();
  store.now = () => now.value;
  const targets = new FakeTargets(new Map([['ws-1', activeWorkspace({ retryBudgetMs: 24 * HOUR })]]));
  const gateway = new FakeGateway();
  const deadLetter = new FakeDeadLetter();
  const sealer = new FakeSealer();
  const clock = () => new Date(now.value);
  const runner = new AccountJobRunner(
    gateway,
    new EventSecretsResolver(async () => ({})),
    new AccountWriter(testHasher),
    new WriteFence(store, 'test-owner', 30_000),
    new TenantConcurrencyLimiter(4, 16),
    new TenantHealth(gateway, { minMs: 2_000, maxMs: 2_000 }),
    { writeDeadlineMs: 10_000 },
    () => now.value,
  );
  const recorder = new OutcomeRecorder(
    deadLetter,
    sealer,
    { baseMs: 1_000, maxMs: 60_000 },
    'account-events.dlq',
    undefined,
    clock,
  );
  const metrics = new PipelineMetrics(new Registry());
  const worker = new PendingRetryWorker(
    store,
    sealer,
    targets,
    gateway,
    runner,
    new OutcomeCommitter(recorder, store, runner, metrics, 'test-owner', silentLogger()),
    () => [{ topic: 'account-updated', partitions: [0] }],
    metrics,
    {
      pollIntervalMs: 10,
      maxPerRound: 100,
      openCircuitRecheckMs: 30_000,
      brokenEntryRecheckMs: 60_000,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      lease: { owner: 'test-owner', ttlMs: 60_000 },
    },
    silentLogger(),
    clock,
  );
  return { store, gateway, deadLetter, sealer, recorder, worker };
}

async function park(ctx: ReturnType<typeof setup>, version: number, firstFailedAt: Date) {
  const record = accountRecord({ version, label: `v${version}` }, { partition: 0 });
  const { decodeAccountEvent } = await import('@vault-backup/event-contract');
  const decoded = decodeAccountEvent(record);
  if (!decoded.ok) throw decoded.error;
  const failure = {
    errorClass: 'unavailable',
    code: 'SERVER_ERROR',
    message: '503',
    retriable: true,
  } as const;
  await ctx.store.saveOutcomes(
    await ctx.recorder.record([
      { record, event: decoded.event, outcome: { kind: 'deferred', failure }, attempts: 1, firstFailedAt },
    ]),
  );
}

describe('PendingRetryWorker', () => {
  it('applies a parked backup once it is due and the tenant answers again', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 2, new Date(now.value));
    expect(await ctx.worker.runOnce()).toBe(0); // not due yet (backoff)
    now.value += 60_000;
    expect(await ctx.worker.runOnce()).toBe(1);
    expect(ctx.gateway.tenant('tenant-a').only().platformAccountProperties.label).toBe('v2');
    expect(ctx.store.pending.size).toBe(0);
    expect(ctx.store.states.get('ws-1:acc-1')?.appliedVersion).toBe(2);
  });

  it('reschedules with a growing delay while the tenant keeps failing, keeping the first failure time', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    const first = new Date(now.value);
    await park(ctx, 1, first);
    now.value += 60_000;
    ctx.gateway.tenant('tenant-a').failNext = new CyberArkUnavailableError('timeout', 'timed out');
    await ctx.worker.runOnce();
    const entry = ctx.store.pending.get('ws-1:acc-1');
    expect(entry).toMatchObject({ attempts: 2, firstFailedAt: first, lastErrorClass: 'unavailable' });
    expect(entry!.nextAttemptAt.getTime()).toBeGreaterThan(now.value);
    expect(ctx.deadLetter.published).toHaveLength(0);
  });

  it('backs off a parked record that cannot be opened (its workspace key is out of reach), counting the attempt', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 1, new Date(now.value));
    now.value += 60_000;
    ctx.sealer.openFailure = new KeyOutOfReachError();

    expect(await ctx.worker.runOnce()).toBe(1);
    const entry = ctx.store.pending.get('ws-1:acc-1');
    expect(entry).toMatchObject({
      attempts: 2,
      lastErrorClass: 'key-access-revoked',
      lastErrorCode: 'KEY_FORBIDDEN',
    });
    expect(entry!.nextAttemptAt.getTime()).toBeGreaterThan(now.value);
    // Not asked again before the backoff ends: a revoked key is not hammered every round.
    expect(await ctx.worker.runOnce()).toBe(0);
    expect(ctx.deadLetter.published).toHaveLength(0);

    ctx.sealer.openFailure = undefined;
    now.value += 120_000;
    await ctx.worker.runOnce();
    expect(ctx.gateway.tenant('tenant-a').only().platformAccountProperties.label).toBe('v1');
    expect(ctx.store.pending.size).toBe(0);
  });

  it('gives up a parked record it could never open once the budget is spent: a failure kept as sealed, no dead letter', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 3, new Date(now.value));
    const sealed = ctx.store.pending.get('ws-1:acc-1')!.recordCiphertext;
    ctx.sealer.openFailure = new KeyOutOfReachError();
    now.value += 25 * HOUR;

    await ctx.worker.runOnce();

    expect(ctx.store.pending.size).toBe(0);
    expect(ctx.store.failures).toEqual([
      expect.objectContaining({
        workspaceId: 'ws-1',
        accountId: 'acc-1',
        version: 3,
        errorClass: 'retry-budget-exhausted',
        errorCode: 'KEY_FORBIDDEN',
        recordCiphertext: sealed,
        sealedAs: 'pending-backup',
        firstFailedAt: new Date('2026-01-01T00:00:00Z'),
      }),
    ]);
    expect(ctx.deadLetter.published).toHaveLength(0);
  });

  it('leaves a tenant with an open circuit alone without spending an attempt', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 1, new Date(now.value));
    now.value += 60_000;
    ctx.gateway.openCircuits.add('tenant-a');
    await ctx.worker.runOnce();
    expect(ctx.gateway.tenant('tenant-a').calls).toEqual([]);
    expect(ctx.store.pending.get('ws-1:acc-1')).toMatchObject({ attempts: 1 });
    expect(ctx.store.pending.get('ws-1:acc-1')!.nextAttemptAt.getTime()).toBe(now.value + 30_000);
  });

  it('dead-letters a parked backup once the retry budget is spent, and forgets it', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 1, new Date(now.value));
    now.value += 25 * HOUR;
    await ctx.worker.runOnce();
    expect(ctx.gateway.tenant('tenant-a').calls).toEqual([]);
    expect(ctx.deadLetter.published).toHaveLength(1);
    expect(ctx.deadLetter.published[0].failure).toMatchObject({
      errorClass: 'retry-budget-exhausted',
      retriable: false,
    });
    expect(ctx.deadLetter.published[0].failure.message).toMatch(/gave up after 1 attempts/);
    expect(ctx.store.pending.size).toBe(0);
    expect(ctx.store.failures).toEqual([
      // The failure keeps when the backup first failed, 25 hours before it was given up.
      expect.objectContaining({ firstFailedAt: new Date('2026-01-01T00:00:00Z') }),
    ]);
  });

  it('dead-letters a parked record that no longer decodes, once, and concludes its entry', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    const poison = rawRecord('ws-1:acc-1', 'not json any more', {}, { partition: 0 });
    await ctx.store.saveOutcomes({
      applied: [],
      resolvedPending: [],
      failures: [],
      skippedByWorkspace: new Map(),
      deferred: [
        {
          workspaceId: 'ws-1',
          accountId: 'acc-1',
          version: 4,
          source: { topic: poison.topic, partition: 0, offset: poison.offset },
          recordCiphertext: await ctx.sealer.seal(poison, 'pending-backup', 'ws-1'),
          attempts: 1,
          firstFailedAt: new Date(now.value),
          nextAttemptAt: new Date(now.value),
          lastErrorClass: 'unavailable',
          lastErrorCode: 'SERVER_ERROR',
          lastErrorMessage: '503',
        },
      ],
    });
    expect(await ctx.worker.runOnce()).toBe(1);
    expect(ctx.deadLetter.published.map((entry) => entry.failure.errorClass)).toEqual(['invalid-event']);
    expect(ctx.store.pending.size).toBe(0);
    expect(await ctx.worker.runOnce()).toBe(0);
  });

  it('does not roll back: a parked older version is dropped when a newer one is already applied', async () => {
    const now = { value: Date.parse('2026-01-01T00:00:00Z') };
    const ctx = setup(now);
    await park(ctx, 1, new Date(now.value));
    ctx.store.states.set('ws-1:acc-1', {
      workspaceId: 'ws-1',
      accountId: 'acc-1',
      appliedVersion: 5,
      cyberArkAccountId: '12_1',
      cyberArkName: 'vb.ws-1.acc-1',
      fingerprint: {},
      lastEventId: 'e5',
    });
    now.value += 60_000;
    await ctx.worker.runOnce();
    expect(ctx.gateway.tenant('tenant-a').calls).toEqual([]);
    expect(ctx.store.pending.size).toBe(0);
    expect(ctx.store.states.get('ws-1:acc-1')?.appliedVersion).toBe(5);
  });
});
