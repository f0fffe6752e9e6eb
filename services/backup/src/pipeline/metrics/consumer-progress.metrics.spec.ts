import { Registry } from 'prom-client';
import { type PartitionProgress } from '@vault-backup/kafka';
import { partitionProgress } from '../../health/test/partition-progress.fixture';
import { PipelineMetrics } from './pipeline.metrics';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function setup() {
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  let partitions: PartitionProgress[] = [];
  metrics.consumerProgress.observe(() => partitions);
  const assign = (next: PartitionProgress[]) => {
    partitions = next;
  };
  /** Series of one metric as `labels -> value`, as a scrape would see them. */
  const scrape = async (name: string): Promise<Record<string, number>> => {
    const metric = registry.getSingleMetric(`vault_backup_${name}`);
    if (!metric) throw new Error(`${name} is not registered`);
    const { values } = await metric.get();
    return Object.fromEntries(values.map((v) => [`${v.labels.topic}/${v.labels.partition}`, v.value]));
  };
  return { registry, metrics, assign, scrape };
}

describe('consumer progress metrics', () => {
  it('reports lag seconds from the oldest unprocessed record and commit age from the last commit', async () => {
    const { assign, scrape } = setup();
    assign([
      partitionProgress(T0, {
        partition: 2,
        lagRecords: 7,
        committedAt: T0 - 95_000,
        oldestUncommitted: { offset: '93', timestamp: T0 - 312_500 },
        paused: true,
      }),
      partitionProgress(T0, { partition: 5 }),
    ]);
    expect(await scrape('consumer_lag_records')).toEqual({ 'account-created/2': 7, 'account-created/5': 0 });
    expect(await scrape('consumer_lag_seconds')).toEqual({
      'account-created/2': 312.5,
      'account-created/5': 0,
    });
    expect(await scrape('consumer_last_commit_age_seconds')).toEqual({
      'account-created/2': 95,
      'account-created/5': 1_800,
    });
    expect(await scrape('consumer_partition_paused')).toEqual({
      'account-created/2': 1,
      'account-created/5': 0,
    });
  });

  it('computes the values at scrape time, so a stuck partition keeps ageing without any batch', async () => {
    const { assign, scrape } = setup();
    const stuck = { lagRecords: 1, oldestUncommitted: { offset: '0', timestamp: T0 } };
    assign([partitionProgress(T0 + 10_000, stuck)]);
    expect(await scrape('consumer_lag_seconds')).toEqual({ 'account-created/0': 10 });
    assign([partitionProgress(T0 + 70_000, stuck)]);
    expect(await scrape('consumer_lag_seconds')).toEqual({ 'account-created/0': 70 });
  });

  it("drops a revoked partition's series at the next scrape", async () => {
    const { registry, assign } = setup();
    assign([partitionProgress(T0, { partition: 0 }), partitionProgress(T0, { partition: 1, lagRecords: 4 })]);
    expect(await registry.metrics()).toContain(
      'vault_backup_consumer_lag_records{topic="account-created",partition="1"} 4',
    );
    assign([partitionProgress(T0, { partition: 0 })]);
    const text = await registry.metrics();
    expect(text).toContain('vault_backup_consumer_lag_records{topic="account-created",partition="0"} 0');
    expect(text).not.toMatch(/partition="1"/);
  });

  it('exports no partition series before the consumer is observed', async () => {
    const registry = new Registry();
    new PipelineMetrics(registry);
    expect(await registry.metrics()).not.toMatch(/vault_backup_consumer_lag_records\{/);
  });

  it('no longer exports the batch-time gauge it replaces', async () => {
    const { registry } = setup();
    expect(await registry.metrics()).not.toContain('vault_backup_last_processed_timestamp_seconds');
  });

  it('counts dead-letter publish failures by reason', async () => {
    const { registry, metrics } = setup();
    metrics.deadLetterPublishFailures.inc({ reason: 'timeout' });
    expect(await registry.metrics()).toContain(
      'vault_backup_dead_letter_publish_failures_total{reason="timeout"} 1',
    );
  });
});
