import { CyberArkInvalidPropertyError, CyberArkUnavailableError } from '@vault-backup/cyberark';
import { type RecordBatch } from '@vault-backup/kafka';
import { silentLogger, waitFor } from '@vault-backup/testing';
import { Registry } from 'prom-client';
import { PipelineMetrics } from '../metrics/pipeline.metrics';
import { AccountWriter } from '../writer/account.writer';
import { activeWorkspace, accountRecord, rawRecord, testHasher } from '../test/pipeline.fixtures';
import {
  FakeBatchControl,
  FakeDeadLetter,
  FakeGateway,
  FakeSealer,
  FakeTargets,
  InMemoryStateStore,
} from '../test/pipeline.fakes';
import { EventSecretsResolver } from '../adapters/event-secrets.resolver';
import { AccountJobRunner } from './account-job.runner';
import { BatchPlanner } from './batch-planner';
import { BatchProcessor } from './batch.processor';
import { TenantConcurrencyLimiter } from './concurrency-limiter';
import { OutcomeCommitter } from './outcome-committer';
import { OutcomeRecorder } from './outcome-recorder';
import { TenantHealth } from './tenant-health';
import { WriteFence } from './write-fence';

function pipeline(options: { slowWriteParkAfterMs?: number; perTenant?: number } = {}) {
  const store = new InMemoryStateStore();
  const targets = new FakeTargets(
    new Map([
      ['ws-1', activeWorkspace()],
      ['ws-2', activeWorkspace({ workspaceId: 'ws-2', tenantKey: 'tenant-b' })],
      [
        'ws-strict',
        activeWorkspace({ workspaceId: 'ws-strict', tenantKey: 'tenant-c', allowPlaintextSecrets: false }),
      ],
    ]),
  );
  const gateway = new FakeGateway();
  const deadLetter = new FakeDeadLetter();
  const metrics = new PipelineMetrics(new Registry());
  const runner = new AccountJobRunner(
    gateway,
    new EventSecretsResolver(async () => ({})),
    new AccountWriter(testHasher),
    new WriteFence(store, 'test-owner', 30_000),
    new TenantConcurrencyLimiter(options.perTenant ?? 4, 16),
    new TenantHealth(gateway, {
      minMs: options.slowWriteParkAfterMs ?? 2_000,
      maxMs: options.slowWriteParkAfterMs ?? 2_000,
    }),
    { writeDeadlineMs: 10_000 },
  );
  const recorder = new OutcomeRecorder(
    deadLetter,
    new FakeSealer(),
    { baseMs: 1_000, maxMs: 60_000 },
    'account-events.dlq',
  );
  const paused: boolean[] = [];
  const stuck: string[] = [];
  const processor = new BatchProcessor(
    new BatchPlanner(targets, store, { owner: 'test-owner', ttlMs: 60_000 }),
    runner,
    new OutcomeCommitter(recorder, store, runner, metrics, 'test-owner', silentLogger()),
    metrics,
    { persistenceFailing: () => paused.push(true), persistenceRecovered: () => paused.push(false) },
    { reportStuck: (error) => stuck.push(error.message), clearStuck: () => stuck.push('cleared') },
    {
      heartbeatIntervalMs: 1_000,
      persistBackoff: { baseMs: 1, maxMs: 5 },
    },
    silentLogger(),
  );
  return { store, targets, gateway, deadLetter, metrics, processor, paused, stuck, runner };
}

function batchOf(...records: RecordBatch['records']): RecordBatch {
  return {
    topic: 'account-updated',
    partition: 0,
    highWatermark: String(Number(records.at(-1)!.offset) + 1),
    records,
  };
}

async function outcomeCount(metrics: PipelineMetrics, outcome: string): Promise<number> {
  const values = (await metrics.eventsProcessed.get()).values;
  return values
    .filter((value) => value.labels.outcome === outcome)
    .reduce((sum, value) => sum + value.value, 0);
}

describe('BatchProcessor', () => {
  it('coalesces versions of one account in a batch into one write and commits the last offset', async () => {
    const { processor, gateway, store, metrics } = pipeline();
    const control = new FakeBatchControl();
    const batch = batchOf(
      accountRecord({ version: 1, label: 'one' }),
      accountRecord({ version: 2, label: 'two' }),
      accountRecord({ version: 3, label: 'three' }),
    );
    await processor.process(batch, control);
    const tenant = gateway.tenant('tenant-a');
    expect(tenant.calls).toEqual(['add']);
    expect(tenant.only().platformAccountProperties.label).toBe('three');
    expect(store.states.get('ws-1:acc-1')?.appliedVersion).toBe(3);
    expect(control.committed).toBe(batch.records.at(-1)!.offset);
    expect(await outcomeCount(metrics, 'superseded')).toBe(2);
    expect(await outcomeCount(metrics, 'applied')).toBe(1);
  });

  it('never lets an older version overwrite a newer one, whatever the arrival order', async () => {
    const { processor, gateway, store } = pipeline();
    await processor.process(batchOf(accountRecord({ version: 3, label: 'three' })), new FakeBatchControl());
    await processor.process(batchOf(accountRecord({ version: 1, label: 'one' })), new FakeBatchControl());
    await processor.process(batchOf(accountRecord({ version: 2, label: 'two' })), new FakeBatchControl());
    expect(gateway.tenant('tenant-a').only().platformAccountProperties.label).toBe('three');
    expect(gateway.tenant('tenant-a').calls).toEqual(['add']);
    expect(store.states.get('ws-1:acc-1')?.appliedVersion).toBe(3);
  });

  it('applies a redelivered event only once', async () => {
    const { processor, gateway } = pipeline();
    const record = accountRecord({ version: 1 });
    await processor.process(batchOf(record), new FakeBatchControl());
    const control = new FakeBatchControl();
    await processor.process(batchOf(record), control);
    expect(gateway.tenant('tenant-a').calls).toEqual(['add']);
    expect(control.committed).toBe(record.offset);
  });

  it('removes in CyberArk a property removed at the source', async () => {
    const { processor, gateway } = pipeline();
    await processor.process(
      batchOf(accountRecord({ version: 1, phone: '+15550100' })),
      new FakeBatchControl(),
    );
    await processor.process(batchOf(accountRecord({ version: 2, phone: undefined })), new FakeBatchControl());
    const account = gateway.tenant('tenant-a').only();
    expect(account.platformAccountProperties).not.toHaveProperty('phone');
    expect(gateway.tenant('tenant-a').calls).toEqual(['add', 'patch']);
  });

  it('records events of unconfigured workspaces as skipped and counts them', async () => {
    const { processor, store, gateway } = pipeline();
    const control = new FakeBatchControl();
    await processor.process(batchOf(accountRecord({ workspaceId: 'ws-unknown', version: 1 })), control);
    expect(store.skipped.get('ws-unknown')).toBe(1);
    expect(gateway.tenants.size).toBe(0);
    expect(control.committed).toBeDefined();
  });

  it('dead-letters poison records with precise reasons while valid records behind them are applied', async () => {
    const { processor, deadLetter, gateway, store } = pipeline();
    const valid = accountRecord({ accountId: 'acc-ok', version: 1 });
    const structured = accountRecord({ accountId: 'acc-ok2', version: 1 }, { mode: 'structured' });
    const schemaBreaker = JSON.parse(accountRecord({ version: 1 }).value!.toString()) as Record<
      string,
      unknown
    >;
    const control = new FakeBatchControl();
    await processor.process(
      batchOf(
        rawRecord('ws-1:acc-1', 'not json at all', {
          ce_specversion: '1.0',
          ce_id: 'x',
          ce_source: '/s',
          ce_type: 'account.updated.v1',
          'content-type': 'application/json',
        }),
        rawRecord(
          'ws-1:acc-1',
          JSON.stringify({ ...schemaBreaker, version: 0 }),
          Object.fromEntries(Object.entries(accountRecord().headers).map(([k, v]) => [k, String(v)])),
        ),
        rawRecord('ws-1:acc-1', Buffer.alloc(1_048_577, 0x61), {}),
        rawRecord(null, '{}', {}),
        valid,
        structured,
      ),
      control,
    );
    expect(deadLetter.published).toHaveLength(4);
    for (const { failure, context } of deadLetter.published) {
      expect(failure.errorClass).toBe('invalid-event');
      expect(failure.message).toMatch(/invalid account event/);
      expect(context.mayContainPlaintextSecrets).toBe(true);
    }
    expect(store.failures).toHaveLength(4);
    // Undecodable but well-keyed records still belong to their workspace (its admins list and replay them).
    expect(store.failures.filter((failure) => failure.workspaceId === 'ws-1')).toHaveLength(3);
    // Sealed under the workspace each is stored with (none: the service's own scope), so replay opens it.
    expect(
      store.failures.every((failure) =>
        failure.recordCiphertext.startsWith(`backup-failure:${failure.workspaceId ?? '-'}:`),
      ),
    ).toBe(true);
    expect(gateway.tenant('tenant-a').accounts.size).toBe(2);
    expect(control.committed).toBe(structured.offset);
  });

  it('parks a tenant whose circuit is open and keeps backing up other tenants', async () => {
    const { processor, gateway, store } = pipeline();
    gateway.openCircuits.add('tenant-a');
    const control = new FakeBatchControl();
    await processor.process(
      batchOf(
        accountRecord({ workspaceId: 'ws-1', version: 1 }),
        accountRecord({ workspaceId: 'ws-2', version: 1 }),
      ),
      control,
    );
    expect(gateway.tenant('tenant-a').calls).toEqual([]);
    expect(gateway.tenant('tenant-b').accounts.size).toBe(1);
    expect(store.pending.get('ws-1:acc-1')).toMatchObject({
      version: 1,
      attempts: 1,
      lastErrorCode: 'CIRCUIT_OPEN',
    });
    expect(store.pending.get('ws-1:acc-1')?.recordCiphertext.startsWith('pending-backup:ws-1:')).toBe(true);
    expect(control.committed).toBeDefined();
  });

  it('parks transient CyberArk failures and dead-letters permanent ones', async () => {
    const { processor, gateway, store, deadLetter } = pipeline();
    gateway.tenant('tenant-a').failNext = new CyberArkUnavailableError(
      'server-error',
      'CyberArk answered 503',
      { status: 503 },
    );
    await processor.process(
      batchOf(accountRecord({ accountId: 'acc-transient', version: 1 })),
      new FakeBatchControl(),
    );
    expect(store.pending.has('ws-1:acc-transient')).toBe(true);
    expect(deadLetter.published).toHaveLength(0);

    gateway.tenant('tenant-a').failNext = new CyberArkInvalidPropertyError(
      'property totpSecret is not defined on the platform',
      { status: 400 },
    );
    await processor.process(
      batchOf(accountRecord({ accountId: 'acc-permanent', version: 1 })),
      new FakeBatchControl(),
    );
    expect(deadLetter.published).toHaveLength(1);
    expect(deadLetter.published[0].failure).toMatchObject({
      errorClass: 'invalid-property',
      retriable: false,
    });
    expect(deadLetter.published[0].context.mayContainPlaintextSecrets).toBe(false);
    expect(store.failures[0]).toMatchObject({
      workspaceId: 'ws-1',
      accountId: 'acc-permanent',
      errorClass: 'invalid-property',
    });
  });

  it('rejects plaintext secrets where the workspace does not allow them, and marks the record as sensitive', async () => {
    const { processor, deadLetter, gateway } = pipeline();
    await processor.process(
      batchOf(accountRecord({ workspaceId: 'ws-strict', version: 1, secrets: { password: 'hunter2' } })),
      new FakeBatchControl(),
    );
    expect(gateway.tenant('tenant-c').calls).toEqual([]);
    expect(deadLetter.published[0].failure.code).toBe('PLAINTEXT_SECRETS_NOT_ALLOWED');
    expect(deadLetter.published[0].context.mayContainPlaintextSecrets).toBe(true);
  });

  it('waits for the database, pausing fetches, and commits only once outcomes are stored', async () => {
    const { processor, store, paused } = pipeline();
    store.failSaves = 2;
    const control = new FakeBatchControl();
    const record = accountRecord({ version: 1 });
    await processor.process(batchOf(record), control);
    expect(paused).toEqual([true, false]);
    expect(store.states.has('ws-1:acc-1')).toBe(true);
    expect(control.committed).toBe(record.offset);
  });

  it('hands the batch back uncommitted when the consumer stops meanwhile', async () => {
    const { processor, store } = pipeline();
    store.failSaves = 1_000;
    const control = new FakeBatchControl();
    const processing = processor.process(batchOf(accountRecord({ version: 1 })), control);
    setTimeout(() => (control.active = false), 20);
    await processing;
    expect(control.committed).toBeUndefined();
  });

  it('turns a record whose outcome the database refuses for good into that record’s failure, and goes on', async () => {
    const { processor, store, deadLetter, stuck } = pipeline();
    const bad = accountRecord({ accountId: 'acc-refused', version: 1 });
    const good = accountRecord({ accountId: 'acc-fine', version: 1 });
    store.rejectSavesOf = 'acc-refused';
    const control = new FakeBatchControl();
    await processor.process(batchOf(bad, good), control);
    expect(control.committed).toBe(good.offset);
    expect(store.states.has('ws-1:acc-fine')).toBe(true);
    expect(deadLetter.published.map((entry) => entry.failure)).toEqual([
      expect.objectContaining({ errorClass: 'internal', code: 'DATABASE_REJECTED' }),
    ]);
    expect(stuck).toEqual(['cleared']);
  });

  it('says it is stuck, at once, when an error belongs to no record, and never commits past it', async () => {
    const { processor, targets, stuck, paused } = pipeline();
    targets.activeTargets = () => Promise.reject(new TypeError('a bug in the planner'));
    const control = new FakeBatchControl();
    const processing = processor.process(batchOf(accountRecord({ version: 1 })), control);
    await waitFor(async () => stuck.length > 0, { timeoutMs: 2_000, description: 'the stuck report' });
    control.active = false;
    await processing;
    expect(stuck[0]).toMatch(/a bug in the planner/);
    expect(paused[0]).toBe(true);
    expect(control.committed).toBeUndefined();
  });

  it('parks only the records of a workspace whose configuration cannot be used, with a reason to act on', async () => {
    const { processor, targets, store } = pipeline();
    targets.workspaces.set('ws-broken', {
      workspaceId: 'ws-broken',
      retryBudgetMs: 86_400_000,
      unusable: {
        errorClass: 'workspace-configuration',
        code: 'CLIENT_SECRET_UNREADABLE',
        message: 'reconnect',
        retriable: true,
      },
    });
    const control = new FakeBatchControl();
    const good = accountRecord({ accountId: 'acc-ok', version: 1 });
    await processor.process(
      batchOf(accountRecord({ workspaceId: 'ws-broken', accountId: 'acc-x', version: 1 }), good),
      control,
    );
    expect(control.committed).toBe(good.offset);
    expect(store.states.has('ws-1:acc-ok')).toBe(true);
    expect(store.pending.get('ws-broken:acc-x')).toMatchObject({
      lastErrorClass: 'workspace-configuration',
      lastErrorCode: 'CLIENT_SECRET_UNREADABLE',
    });
  });

  it('parks an account another writer holds, without writing it, and releases its own leases', async () => {
    const { processor, gateway, store } = pipeline();
    store.leases.set('ws-1:acc-held', { owner: 'other-instance', version: 7, until: Date.now() + 60_000 });
    const control = new FakeBatchControl();
    await processor.process(
      batchOf(
        accountRecord({ accountId: 'acc-held', version: 8 }),
        accountRecord({ accountId: 'acc-free', version: 1 }),
      ),
      control,
    );
    expect(gateway.tenant('tenant-a').accounts.size).toBe(1);
    expect(store.pending.get('ws-1:acc-held')).toMatchObject({
      version: 8,
      lastErrorCode: 'WRITE_LEASE_HELD',
    });
    expect(store.leases.get('ws-1:acc-held')?.owner).toBe('other-instance');
    expect(store.leases.has('ws-1:acc-free')).toBe(false);
    expect(control.committed).toBeDefined();
  });

  it('parks a write slower than the batch deadline, commits, then records the write when it lands', async () => {
    const { processor, gateway, store } = pipeline({ slowWriteParkAfterMs: 50 });
    gateway.tenant('tenant-a').latencyMs = 400;
    const control = new FakeBatchControl();
    const started = Date.now();
    await processor.process(
      batchOf(
        accountRecord({ accountId: 'acc-slow', version: 1 }),
        accountRecord({ workspaceId: 'ws-2', accountId: 'acc-fast', version: 1 }),
      ),
      control,
    );
    expect(Date.now() - started).toBeLessThan(400);
    expect(control.committed).toBeDefined();
    expect(store.pending.get('ws-1:acc-slow')).toMatchObject({ lastErrorCode: 'SLOW_WRITE' });
    expect(store.leases.get('ws-1:acc-slow')?.owner).toBe('test-owner');
    expect(gateway.tenant('tenant-b').accounts.size).toBe(1);
    await waitFor(() => store.states.get('ws-1:acc-slow')?.appliedVersion === 1, {
      description: 'the late write recorded',
    });
    await waitFor(() => !store.pending.has('ws-1:acc-slow') && !store.leases.has('ws-1:acc-slow'), {
      description: 'parked entry and lease cleared',
    });
    expect(gateway.tenant('tenant-a').calls).toEqual(['add']);
  });

  it('keeps a parked version parked when that same record is delivered again', async () => {
    const { processor, gateway, store } = pipeline();
    gateway.openCircuits.add('tenant-a');
    const parked = accountRecord({ accountId: 'acc-p', version: 2 });
    await processor.process(batchOf(parked), new FakeBatchControl());
    expect(store.pending.get('ws-1:acc-p')?.version).toBe(2);
    // A redelivery (rebalance, restart before the commit) of the parked version must not resolve it.
    gateway.openCircuits.clear();
    await processor.process(
      batchOf({ ...parked, offset: String(Number(parked.offset) + 1) }),
      new FakeBatchControl(),
    );
    expect(store.pending.get('ws-1:acc-p')?.version).toBe(2);
  });

  it('parks a record waiting behind a slow write of the same account, instead of holding its batch', async () => {
    const { processor, gateway } = pipeline({ slowWriteParkAfterMs: 50 });
    gateway.tenant('tenant-a').latencyMs = 400;
    const first = processor.process(
      batchOf(accountRecord({ accountId: 'acc-lane', version: 1 })),
      new FakeBatchControl(),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    const control = new FakeBatchControl();
    const started = Date.now();
    await processor.process(
      batchOf(accountRecord({ accountId: 'acc-lane', version: 2 }, { topic: 'account-created' })),
      control,
    );
    // Behind the first write in the account's lane, the second one's deadline runs from the start.
    expect(Date.now() - started).toBeLessThan(350);
    expect(control.committed).toBeDefined();
    await first;
  });

  it('never lets an older version from another topic overtake a newer one being written in this process', async () => {
    const { processor, gateway } = pipeline();
    gateway.tenant('tenant-a').latencyMs = 100;
    await processor.process(
      batchOf(accountRecord({ version: 1, label: 'one', phone: '+1' })),
      new FakeBatchControl(),
    );
    const updated = {
      topic: 'account-updated',
      partition: 0,
      highWatermark: '1000',
      records: [
        accountRecord({ version: 3, label: 'three', phone: '+1' }, { topic: 'account-updated', offset: 900 }),
      ],
    };
    const created = {
      topic: 'account-created',
      partition: 0,
      highWatermark: '1000',
      records: [
        accountRecord({ version: 2, label: 'two', phone: '+2' }, { topic: 'account-created', offset: 901 }),
      ],
    };
    await Promise.all([
      processor.process(updated, new FakeBatchControl()),
      processor.process(created, new FakeBatchControl()),
    ]);
    const account = gateway.tenant('tenant-a').only();
    expect(account.platformAccountProperties).toMatchObject({ label: 'three', phone: '+1' });
  });

  it('does not count waiting for a concurrency slot as slowness', async () => {
    const { processor, gateway, store } = pipeline({ slowWriteParkAfterMs: 150, perTenant: 1 });
    gateway.tenant('tenant-a').latencyMs = 100;
    await processor.process(
      batchOf(...['acc-q1', 'acc-q2', 'acc-q3'].map((accountId) => accountRecord({ accountId, version: 1 }))),
      new FakeBatchControl(),
    );
    expect(store.pending.size).toBe(0);
    expect(gateway.tenant('tenant-a').accounts.size).toBe(3);
  });
});
