import { type ConsumerState, type PartitionProgress } from '@vault-backup/kafka';
import { ConsumerSupervisor } from '../pipeline/consumer.supervisor';
import { consumerHealthChecks } from './consumer.checks';
import { HealthRegistry } from './health.registry';
import { ManualClock } from './test/manual-clock';
import { partitionProgress } from './test/partition-progress.fixture';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const STALL_AFTER_MS = 120_000;

function setup() {
  const clock = new ManualClock(T0);
  const consumer = {
    state: 'running' as ConsumerState,
    partitions: [partitionProgress(T0)],
    // The consumer stamps its snapshot with its own clock; the fake follows the test's clock.
    progress(): PartitionProgress[] {
      return this.partitions.map((p) => ({ ...p, observedAt: clock.now() }));
    },
  };
  const supervisor = new ConsumerSupervisor({ fatalAfterMs: 60_000 }, clock, clock.now);
  const fatal = jest.fn();
  supervisor.onFatal(fatal);
  const health = new HealthRegistry();
  for (const check of consumerHealthChecks({ consumer, supervisor, stallAfterMs: STALL_AFTER_MS }))
    health.register(check);
  const probe = async (kind: 'live' | 'ready') => (await health.probe(kind)).checks.consumer;
  return { clock, consumer, supervisor, fatal, probe };
}

describe('consumer readiness', () => {
  it('stays ready when caught up and idle, however long ago the last commit was', async () => {
    const { clock, probe } = setup();
    clock.advance(24 * 3_600_000);
    expect(await probe('ready')).toEqual({ status: 'ok' });
  });

  it('stays ready while a partition with lag is within the stall bound', async () => {
    const { clock, consumer, probe } = setup();
    consumer.partitions = [partitionProgress(T0, { lagRecords: 40, waitingSince: T0 })];
    clock.advance(STALL_AFTER_MS - 1);
    expect(await probe('ready')).toEqual({ status: 'ok' });
  });

  it('fails when a partition with lag has not committed for the stall bound, naming partition, lag and since when', async () => {
    const { clock, consumer, probe } = setup();
    consumer.partitions = [
      partitionProgress(T0, { partition: 0 }),
      partitionProgress(T0, {
        partition: 3,
        lagRecords: 12,
        waitingSince: T0,
        oldestUncommitted: { offset: '88', timestamp: T0 - 10_000 },
      }),
    ];
    clock.advance(STALL_AFTER_MS);
    expect(await probe('ready')).toEqual({
      status: 'failing',
      reason:
        'Error: no commit for over 120s while behind or paused: ' +
        'account-created/3 since 2026-03-01T10:00:00.000Z (12 records behind, oldest 130s old)',
    });
    expect(await probe('live')).toEqual({ status: 'ok' });
  });

  it('fails when every partition has been paused past the bound, even without lag', async () => {
    const { clock, consumer, probe } = setup();
    consumer.partitions = [0, 1].map((partition) =>
      partitionProgress(T0, { partition, paused: true, waitingSince: T0 }),
    );
    clock.advance(STALL_AFTER_MS + 5_000);
    const check = await probe('ready');
    expect(check.status).toBe('failing');
    expect(check.reason).toContain(
      'account-created/0 since 2026-03-01T10:00:00.000Z (0 records behind, oldest 0s old, paused)',
    );
    expect(check.reason).toContain('account-created/1 since');
  });

  it('lists a handful of stalled partitions and counts the rest', async () => {
    const { clock, consumer, probe } = setup();
    consumer.partitions = Array.from({ length: 8 }, (_, partition) =>
      partitionProgress(T0, { partition, lagRecords: 1, waitingSince: T0 }),
    );
    clock.advance(STALL_AFTER_MS);
    const { reason } = await probe('ready');
    expect(reason).toContain('account-created/4 since');
    expect(reason).not.toContain('account-created/5 since');
    expect(reason).toMatch(/and 3 more partition\(s\)$/);
  });

  it('fails while the consumer is not serving', async () => {
    const { consumer, probe } = setup();
    consumer.state = 'connecting';
    expect(await probe('ready')).toEqual({
      status: 'failing',
      reason: 'Error: the Kafka consumer is connecting',
    });
  });
});

describe('a pipeline that reports itself stuck', () => {
  it('is unready at once with the reported reason, and still live', async () => {
    const { supervisor, probe } = setup();
    supervisor.reportStuck(new TypeError("Cannot read properties of undefined (reading 'workspaceId')"));
    expect(await probe('ready')).toEqual({
      status: 'failing',
      reason:
        "Error: the pipeline is stuck since 2026-03-01T10:00:00.000Z: Cannot read properties of undefined (reading 'workspaceId')",
    });
    expect(await probe('live')).toEqual({ status: 'ok' });
  });

  it('fails liveness and reports the fatal error once the bound passes without a successful batch', async () => {
    const { clock, supervisor, fatal, probe } = setup();
    supervisor.reportStuck(new Error('planner bug'));
    clock.advance(59_000);
    expect((await probe('live')).status).toBe('ok');
    clock.advance(1_000);
    expect(await probe('live')).toEqual({
      status: 'failing',
      reason: expect.stringContaining('the pipeline has been stuck since 2026-03-01T10:00:00.000Z'),
    });
    expect(fatal).toHaveBeenCalledTimes(1);
  });

  it('is ready and live again when the next batch succeeds in time', async () => {
    const { clock, supervisor, fatal, probe } = setup();
    supervisor.reportStuck(new Error('transient bug'));
    clock.advance(10_000);
    supervisor.clearStuck();
    clock.advance(120_000);
    expect(await probe('ready')).toEqual({ status: 'ok' });
    expect(await probe('live')).toEqual({ status: 'ok' });
    expect(fatal).not.toHaveBeenCalled();
  });
});

describe('consumer liveness', () => {
  it('fails when the consumer crashed for good', async () => {
    const { consumer, probe } = setup();
    consumer.state = 'crashed';
    expect(await probe('live')).toEqual({
      status: 'failing',
      reason: 'Error: the Kafka consumer crashed and will not restart',
    });
  });
});
