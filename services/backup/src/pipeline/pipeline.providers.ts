import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Provider } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { type Registry } from 'prom-client';
import { type DataSource } from 'typeorm';
import { type DataCipher } from '@vault-backup/crypto';
import { type CyberArkClientFactory } from '@vault-backup/cyberark';
import {
  type BatchConsumerPort,
  KafkajsBatchConsumer,
  type RecordProducerPort,
  type TopicLimitReader,
} from '@vault-backup/kafka';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { DATA_CIPHER, FIELD_HASHER } from '../crypto/crypto.tokens';
import { WORKSPACE_SECRETS_DECRYPTOR } from '../key-vault/key-vault.tokens';
import { type WorkspaceSecretsDecryptor } from '../key-vault/workspace-secrets.decryptor';
import { CYBERARK_CLIENT_FACTORY } from '../cyberark/cyberark.tokens';
import { DATA_SOURCE } from '../database/database.tokens';
import { KAFKA_CLIENT, RECORD_PRODUCER, TOPIC_LIMITS } from '../kafka/kafka.tokens';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens';
import { CyberArkGateway } from './adapters/cyberark-gateway.adapter';
import { DeadLetterPublisher } from './adapters/dead-letter.publisher';
import { EventSecretsResolver } from './adapters/event-secrets.resolver';
import { PgWorkspaceTargets } from './adapters/pg-workspace-targets.adapter';
import { CipherRecordSealer } from './adapters/record-sealer.adapter';
import { AccountJobRunner } from './batch/account-job.runner';
import { BatchPlanner, type WriteLeaseSettings } from './batch/batch-planner';
import { BatchProcessor, type BackpressureSignal } from './batch/batch.processor';
import { TenantConcurrencyLimiter } from './batch/concurrency-limiter';
import { OutcomeRecorder } from './batch/outcome-recorder';
import { OutcomeCommitter } from './batch/outcome-committer';
import { ConsumerSupervisor } from './consumer.supervisor';
import { TenantHealth } from './batch/tenant-health';
import { WriteFence } from './batch/write-fence';
import { type FieldHasher } from './mapping/account-fingerprint';
import { PipelineMetrics } from './metrics/pipeline.metrics';
import { BATCH_CONSUMER, PIPELINE_METRICS } from './pipeline.tokens';
import { CYBERARK_GATEWAY } from './ports/cyberark-gateway.port';
import { DEAD_LETTER_PUBLISHER } from './ports/dead-letter.port';
import { RECORD_SEALER } from './ports/record-sealer.port';
import { SECRETS_RESOLVER } from './ports/secrets-resolver.port';
import { WORKSPACE_TARGETS } from './ports/workspace-targets.port';
import { PendingRetryWorker } from './retry/pending-retry.worker';
import { AccountWriter } from './writer/account.writer';
import { BACKUP_STATE_STORE } from './store/backup-state.store';
import { PgBackupStateStore } from './store/pg-backup-state.store';
import { KafkaBatchTransport } from './transport/kafka-batch.transport';

/** Identifies this process's write leases; a restart is a new owner, so a crashed owner's leases simply expire. */
const LEASE_OWNER = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

function leaseSettings(config: BackupConfig): WriteLeaseSettings {
  return { owner: LEASE_OWNER, ttlMs: config.pipeline.writeLeaseMs };
}

function backpressureFor(consumer: BatchConsumerPort, metrics: PipelineMetrics): BackpressureSignal {
  return {
    persistenceFailing: () => {
      consumer.pause(consumer.assignments());
      metrics.fetchPaused.set(1);
    },
    persistenceRecovered: () => {
      consumer.resume(consumer.assignments());
      metrics.fetchPaused.set(0);
    },
  };
}

export const pipelineProviders: Provider[] = [
  {
    provide: PIPELINE_METRICS,
    inject: [METRICS_REGISTRY],
    useFactory: (registry: Registry) => new PipelineMetrics(registry),
  },
  {
    provide: BATCH_CONSUMER,
    inject: [KAFKA_CLIENT, BACKUP_CONFIG, PinoLogger],
    useFactory: (kafka: Kafka, config: BackupConfig, logger: PinoLogger): BatchConsumerPort =>
      new KafkajsBatchConsumer(
        kafka,
        {
          groupId: config.kafka.groupId,
          topics: config.kafka.topics,
          fromBeginning: config.kafka.fromBeginning,
          sessionTimeoutMs: config.kafka.sessionTimeoutMs,
          heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
          rebalanceTimeoutMs: config.kafka.rebalanceTimeoutMs,
          partitionsConsumedConcurrently: config.kafka.partitionsConcurrency,
          maxBytesPerPartition: config.kafka.maxBytesPerPartition,
          maxWaitTimeMs: config.kafka.maxWaitMs,
        },
        logger.logger.child({ component: 'consumer' }),
      ),
  },
  {
    provide: BACKUP_STATE_STORE,
    inject: [DATA_SOURCE],
    useFactory: (dataSource: DataSource) => new PgBackupStateStore(dataSource),
  },
  {
    provide: WORKSPACE_TARGETS,
    inject: [DATA_SOURCE, DATA_CIPHER, BACKUP_CONFIG],
    useFactory: (dataSource: DataSource, cipher: DataCipher, config: BackupConfig) =>
      new PgWorkspaceTargets(dataSource, cipher, config.pipeline.workspaceCacheTtlMs),
  },
  {
    provide: CYBERARK_GATEWAY,
    inject: [CYBERARK_CLIENT_FACTORY],
    useFactory: (factory: CyberArkClientFactory) => new CyberArkGateway(factory),
  },
  {
    provide: SECRETS_RESOLVER,
    inject: [WORKSPACE_SECRETS_DECRYPTOR],
    useFactory: (decryptor: WorkspaceSecretsDecryptor) =>
      new EventSecretsResolver((jwe, workspaceId) => decryptor.decrypt(jwe, workspaceId)),
  },
  {
    provide: RECORD_SEALER,
    inject: [DATA_CIPHER],
    useFactory: (cipher: DataCipher) => new CipherRecordSealer(cipher),
  },
  {
    provide: DEAD_LETTER_PUBLISHER,
    inject: [RECORD_PRODUCER, DATA_CIPHER, TOPIC_LIMITS, PIPELINE_METRICS, BACKUP_CONFIG],
    useFactory: (
      producer: RecordProducerPort,
      cipher: DataCipher,
      limits: TopicLimitReader,
      metrics: PipelineMetrics,
      config: BackupConfig,
    ) =>
      new DeadLetterPublisher(producer, cipher, config.kafka.dlqTopic, config.kafka.groupId, {
        limits,
        onPublishFailure: (code) => metrics.deadLetterPublishFailures.inc({ reason: code }),
      }),
  },
  {
    provide: AccountJobRunner,
    inject: [CYBERARK_GATEWAY, SECRETS_RESOLVER, FIELD_HASHER, BACKUP_STATE_STORE, BACKUP_CONFIG],
    useFactory: (
      gateway: CyberArkGateway,
      secrets: EventSecretsResolver,
      hash: FieldHasher,
      store: PgBackupStateStore,
      config: BackupConfig,
    ) =>
      new AccountJobRunner(
        gateway,
        secrets,
        new AccountWriter(hash),
        new WriteFence(store, LEASE_OWNER, config.pipeline.abandonedWriteSettleMs),
        new TenantConcurrencyLimiter(config.pipeline.tenantMaxInFlight, config.pipeline.maxInFlight),
        new TenantHealth(gateway, {
          minMs: config.pipeline.slowWriteParkMinMs,
          maxMs: config.pipeline.slowWriteParkAfterMs,
        }),
        { writeDeadlineMs: config.cyberark.writeDeadlineMs },
      ),
  },
  {
    provide: OutcomeRecorder,
    inject: [DEAD_LETTER_PUBLISHER, RECORD_SEALER, BACKUP_CONFIG, PinoLogger],
    useFactory: (
      deadLetter: DeadLetterPublisher,
      sealer: CipherRecordSealer,
      config: BackupConfig,
      logger: PinoLogger,
    ) =>
      new OutcomeRecorder(
        deadLetter,
        sealer,
        { baseMs: config.pipeline.retryBaseDelayMs, maxMs: config.pipeline.retryMaxDelayMs },
        config.kafka.dlqTopic,
        // Counted by the publisher (every failed attempt); a refusal for good is also worth a log line.
        (code, reason) =>
          logger.logger.error(
            { code, reason },
            'the dead-letter topic refused a record; kept in the failure record only',
          ),
      ),
  },
  {
    provide: OutcomeCommitter,
    inject: [OutcomeRecorder, BACKUP_STATE_STORE, AccountJobRunner, PIPELINE_METRICS, PinoLogger],
    useFactory: (
      recorder: OutcomeRecorder,
      store: PgBackupStateStore,
      runner: AccountJobRunner,
      metrics: PipelineMetrics,
      logger: PinoLogger,
    ) =>
      new OutcomeCommitter(
        recorder,
        store,
        runner,
        metrics,
        LEASE_OWNER,
        logger.logger.child({ component: 'outcomes' }),
      ),
  },
  {
    provide: BatchPlanner,
    inject: [WORKSPACE_TARGETS, BACKUP_STATE_STORE, BACKUP_CONFIG],
    useFactory: (targets: PgWorkspaceTargets, store: PgBackupStateStore, config: BackupConfig) =>
      new BatchPlanner(targets, store, leaseSettings(config)),
  },
  {
    provide: BatchProcessor,
    inject: [
      BatchPlanner,
      AccountJobRunner,
      OutcomeCommitter,
      PIPELINE_METRICS,
      BATCH_CONSUMER,
      ConsumerSupervisor,
      BACKUP_CONFIG,
      PinoLogger,
    ],
    useFactory: (
      planner: BatchPlanner,
      runner: AccountJobRunner,
      committer: OutcomeCommitter,
      metrics: PipelineMetrics,
      consumer: BatchConsumerPort,
      supervisor: ConsumerSupervisor,
      config: BackupConfig,
      logger: PinoLogger,
    ) =>
      new BatchProcessor(
        planner,
        runner,
        committer,
        metrics,
        backpressureFor(consumer, metrics),
        supervisor,
        {
          heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
          persistBackoff: { baseMs: 200, maxMs: 10_000 },
        },
        logger.logger.child({ component: 'batch-processor' }),
      ),
  },
  {
    provide: PendingRetryWorker,
    inject: [
      BACKUP_STATE_STORE,
      RECORD_SEALER,
      WORKSPACE_TARGETS,
      CYBERARK_GATEWAY,
      AccountJobRunner,
      OutcomeCommitter,
      BATCH_CONSUMER,
      PIPELINE_METRICS,
      BACKUP_CONFIG,
      PinoLogger,
    ],
    useFactory: (
      store: PgBackupStateStore,
      sealer: CipherRecordSealer,
      targets: PgWorkspaceTargets,
      gateway: CyberArkGateway,
      runner: AccountJobRunner,
      committer: OutcomeCommitter,
      consumer: BatchConsumerPort,
      metrics: PipelineMetrics,
      config: BackupConfig,
      logger: PinoLogger,
    ) =>
      new PendingRetryWorker(
        store,
        sealer,
        targets,
        gateway,
        runner,
        committer,
        () => consumer.assignments(),
        metrics,
        {
          pollIntervalMs: config.pipeline.retryPollIntervalMs,
          maxPerRound: config.pipeline.retryMaxPerRound,
          openCircuitRecheckMs: config.cyberark.breaker.resetTimeoutMs,
          brokenEntryRecheckMs: config.pipeline.retryMaxDelayMs,
          backoff: { baseMs: config.pipeline.retryBaseDelayMs, maxMs: config.pipeline.retryMaxDelayMs },
          lease: leaseSettings(config),
        },
        logger.logger.child({ component: 'retry-worker' }),
      ),
  },
  {
    provide: KafkaBatchTransport,
    inject: [BATCH_CONSUMER],
    useFactory: (consumer: BatchConsumerPort) => new KafkaBatchTransport(consumer),
  },
];
