import {
  type BeforeApplicationShutdown,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type BatchConsumerPort } from '@vault-backup/kafka';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { consumerHealthChecks, SERVING_STATES } from '../health/consumer.checks';
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

const supervisorProvider: Provider = {
  provide: ConsumerSupervisor,
  inject: [BACKUP_CONFIG],
  useFactory: (config: BackupConfig) =>
    new ConsumerSupervisor({ fatalAfterMs: config.pipeline.fatalAfterMs }),
};

/**
 * The backup pipeline: account events from Kafka to CyberArk. The consumer itself is started as a
 * Nest microservice (KafkaBatchTransport) by the bootstrap; this module owns its lifecycle and health.
 */
@Module({
  controllers: [AccountEventsController],
  providers: [...pipelineProviders, supervisorProvider],
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
    @Inject(BACKUP_CONFIG) private readonly config: BackupConfig,
  ) {}

  onModuleInit(): void {
    this.consumer.onStateChange((state, error) => {
      this.metrics.consumerUp.set(SERVING_STATES.has(state) ? 1 : 0);
      this.logger.info({ state }, 'consumer state changed');
      if (state === 'crashed') this.supervisor.reportFatal(error ?? new Error('consumer crashed'));
    });
    this.metrics.consumerProgress.observe(() => this.consumer.progress());
    const checks = consumerHealthChecks({
      consumer: this.consumer,
      supervisor: this.supervisor,
      stallAfterMs: this.config.pipeline.stallAfterMs,
    });
    for (const check of checks) this.health.register(check);
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
