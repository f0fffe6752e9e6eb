import { Registry } from 'prom-client';
import { type BatchConsumerPort, type ConsumerState, type PartitionProgress } from '@vault-backup/kafka';
import { type BackupConfig } from '../config/backup.config';
import { HealthRegistry } from '../health/health.registry';
import { partitionProgress } from '../health/test/partition-progress.fixture';
import { ConsumerSupervisor } from './consumer.supervisor';
import { PipelineMetrics } from './metrics/pipeline.metrics';
import { PipelineModule } from './pipeline.module';
import { type PendingRetryWorker } from './retry/pending-retry.worker';
import { type BatchProcessor } from './batch/batch.processor';

class FakeConsumer implements Partial<BatchConsumerPort> {
  state: ConsumerState = 'running';
  partitions: PartitionProgress[] = [];
  private listener: ((state: ConsumerState, error?: Error) => void) | undefined;

  onStateChange(listener: (state: ConsumerState, error?: Error) => void): void {
    this.listener = listener;
  }

  progress(): readonly PartitionProgress[] {
    return this.partitions;
  }

  become(state: ConsumerState, error?: Error): void {
    this.state = state;
    this.listener?.(state, error);
  }
}

function module(registry = new Registry()) {
  const consumer = new FakeConsumer();
  const health = new HealthRegistry();
  const supervisor = new ConsumerSupervisor({ fatalAfterMs: 60_000 });
  const metrics = new PipelineMetrics(registry);
  const logger = { info: jest.fn() };
  const pipeline = new PipelineModule(
    consumer as unknown as BatchConsumerPort,
    metrics,
    {} as PendingRetryWorker,
    {} as BatchProcessor,
    health,
    supervisor,
    logger as never,
    { pipeline: { stallAfterMs: 120_000 } } as BackupConfig,
  );
  pipeline.onModuleInit();
  return { consumer, health, supervisor, metrics };
}

describe('PipelineModule consumer supervision', () => {
  it('reports live and ready while the consumer runs', async () => {
    const { health } = module();
    expect((await health.probe('live')).status).toBe('ok');
    expect((await health.probe('ready')).status).toBe('ok');
  });

  it('is not ready while rejoining after a stop, but still live', async () => {
    const { consumer, health } = module();
    consumer.become('connecting');
    expect((await health.probe('ready')).checks.consumer).toMatchObject({
      status: 'failing',
      reason: expect.stringContaining('connecting'),
    });
    expect((await health.probe('live')).status).toBe('ok');
  });

  it('fails liveness, drops consumer_up and tells the process owner when the consumer crashes for good', async () => {
    const { consumer, health, supervisor, metrics } = module();
    const fatal = jest.fn();
    supervisor.onFatal(fatal);
    consumer.become('crashed', new Error('non-retriable broker error'));
    expect(fatal).toHaveBeenCalledWith(expect.objectContaining({ message: 'non-retriable broker error' }));
    expect((await health.probe('live')).status).toBe('failing');
    expect((await metrics.consumerUp.get()).values[0]?.value).toBe(0);
  });

  it('tells an owner that subscribes after the crash as well', () => {
    const { consumer, supervisor } = module();
    consumer.become('crashed', new Error('gone'));
    const late = jest.fn();
    supervisor.onFatal(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('is not ready while a partition with lag has been stalled past BACKUP_STALL_AFTER', async () => {
    const { consumer, health } = module();
    const now = Date.now();
    consumer.partitions = [partitionProgress(now, { lagRecords: 3, waitingSince: now - 121_000 })];
    expect((await health.probe('ready')).checks.consumer).toMatchObject({
      status: 'failing',
      reason: expect.stringContaining('account-created/0 since'),
    });
  });

  it('is not ready as soon as the pipeline reports itself stuck', async () => {
    const { supervisor, health } = module();
    supervisor.reportStuck(new Error('bug on the hot path'));
    expect((await health.probe('ready')).checks.consumer).toMatchObject({
      status: 'failing',
      reason: expect.stringContaining('bug on the hot path'),
    });
    supervisor.clearStuck();
  });

  it('exports the consumer progress at scrape time', async () => {
    const registry = new Registry();
    const { consumer } = module(registry);
    consumer.partitions = [partitionProgress(Date.now(), { partition: 4, lagRecords: 9 })];
    expect(await registry.metrics()).toContain(
      'vault_backup_consumer_lag_records{topic="account-created",partition="4"} 9',
    );
  });
});
