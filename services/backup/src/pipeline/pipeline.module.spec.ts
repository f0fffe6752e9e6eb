import { Registry } from 'prom-client';
import { type BatchConsumerPort, type ConsumerState } from '@vault-backup/kafka';
import { HealthRegistry } from '../health/health.registry';
import { ConsumerSupervisor } from './consumer.supervisor';
import { PipelineMetrics } from './metrics/pipeline.metrics';
import { PipelineModule } from './pipeline.module';
import { type PendingRetryWorker } from './retry/pending-retry.worker';
import { type BatchProcessor } from './batch/batch.processor';

class FakeConsumer implements Partial<BatchConsumerPort> {
  state: ConsumerState = 'running';
  private listener: ((state: ConsumerState, error?: Error) => void) | undefined;

  onStateChange(listener: (state: ConsumerState, error?: Error) => void): void {
    this.listener = listener;
  }

  become(state: ConsumerState, error?: Error): void {
    this.state = state;
    this.listener?.(state, error);
  }
}

function module() {
  const consumer = new FakeConsumer();
  const health = new HealthRegistry();
  const supervisor = new ConsumerSupervisor();
  const metrics = new PipelineMetrics(new Registry());
  const logger = { info: jest.fn() };
  const pipeline = new PipelineModule(
    consumer as unknown as BatchConsumerPort,
    metrics,
    {} as PendingRetryWorker,
    {} as BatchProcessor,
    health,
    supervisor,
    logger as never,
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
});
