import {
  type BeforeApplicationShutdown,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type BatchConsumerPort, type ConsumerState } from '@vault-backup/kafka';
import { HealthRegistry } from '../health/health.registry';
import { ConsumerSupervisor } from './consumer.supervisor';
import { PipelineMetrics } from './metrics/pipeline.metrics';
import { pipelineProviders } from './pipeline.providers';
import { BATCH_CONSUMER, PIPELINE_METRICS } from './pipeline.tokens';
import { RECORD_SEALER } from './ports/record-sealer.port';
import { WORKSPACE_TARGETS } from './ports/workspace-targets.port';
import { PendingRetryWorker } from './retry/pending-retry.worker';
import { BatchProcessor } from './batch/batch.processor';
import { AccountEventsController } from './transport/account-events.controller';

const SERVING: ReadonlySet<ConsumerState> = new Set(['running', 'rebalancing']);

/**
 * The backup pipeline: account events from Kafka to CyberArk. The consumer itself is started as a
 * Nest microservice (KafkaBatchTransport) by the bootstrap; this module owns its lifecycle and health.
 */
@Module({
  controllers: [AccountEventsController],
  providers: [...pipelineProviders, ConsumerSupervisor],
  exports: [ConsumerSupervisor, WORKSPACE_TARGETS, RECORD_SEALER],
})
export class PipelineModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(BATCH_CONSUMER) private readonly consumer: BatchConsumerPort,
    @Inject(PIPELINE_METRICS) private readonly metrics: PipelineMetrics,
    private readonly retryWorker: PendingRetryWorker,
    private readonly processor: BatchProcessor,
    private readonly health: HealthRegistry,
    private readonly supervisor: ConsumerSupervisor,
    private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    this.consumer.onStateChange((state, error) => {
      this.metrics.consumerUp.set(SERVING.has(state) ? 1 : 0);
      this.logger.info({ state }, 'consumer state changed');
      if (state === 'crashed') this.supervisor.reportFatal(error ?? new Error('consumer crashed'));
    });
    this.health.register({
      name: 'consumer',
      kinds: ['live'],
      check: () => {
        if (this.consumer.state === 'crashed')
          throw new Error('the Kafka consumer crashed and will not restart');
      },
    });
    this.health.register({
      name: 'consumer',
      kinds: ['ready'],
      check: () => {
        if (!SERVING.has(this.consumer.state))
          throw new Error(`the Kafka consumer is ${this.consumer.state}`);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.retryWorker.start();
  }

  /** Before the database and producer close: stop retries, then stop fetching, drain, commit, leave the group. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.retryWorker.stop();
    await this.consumer.stop();
    await this.processor.drainLateOutcomes();
  }
}
