import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import {
  CachedTopicLimitReader,
  createKafkaClient,
  KafkaAdmin,
  KafkajsRecordProducer,
  KafkajsTopicRangeReader,
  type RecordProducerPort,
  type TopicLimitReader,
} from '@vault-backup/kafka';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { KAFKA_ADMIN, KAFKA_CLIENT, RECORD_PRODUCER, TOPIC_LIMITS, TOPIC_RANGE_READER } from './kafka.tokens';

function unreachable(config: BackupConfig, error: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError(
    'kafka',
    `cannot reach KAFKA_BROKERS=${config.kafka.brokers.join(',')} — is the broker running? (npm run stack:up starts a local one)`,
    { cause: error },
  );
}

async function connectAdmin(kafka: Kafka, config: BackupConfig): Promise<KafkaAdmin> {
  const admin = new KafkaAdmin(kafka);
  try {
    await admin.connect();
    await admin.ping();
    if (config.kafka.ensureTopics) {
      await admin.ensureTopics(
        [...config.kafka.topics, config.kafka.dlqTopic].map((topic) => ({
          topic,
          numPartitions: config.kafka.topicPartitions,
        })),
      );
    }
  } catch (error) {
    throw unreachable(config, error);
  }
  return admin;
}

async function connectProducer(
  kafka: Kafka,
  config: BackupConfig,
  limits: TopicLimitReader,
): Promise<RecordProducerPort> {
  const producer = new KafkajsRecordProducer(kafka, { limits });
  try {
    await producer.connect();
  } catch (error) {
    throw unreachable(config, error);
  }
  return producer;
}

@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [BACKUP_CONFIG, PinoLogger],
      useFactory: (config: BackupConfig, logger: PinoLogger): Kafka =>
        createKafkaClient(
          {
            brokers: config.kafka.brokers,
            clientId: config.kafka.clientId,
            ssl: config.kafka.ssl,
            ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}),
          },
          logger.logger,
        ),
    },
    { provide: KAFKA_ADMIN, inject: [KAFKA_CLIENT, BACKUP_CONFIG], useFactory: connectAdmin },
    {
      provide: TOPIC_LIMITS,
      inject: [KAFKA_ADMIN],
      useFactory: (admin: KafkaAdmin): TopicLimitReader => new CachedTopicLimitReader(admin),
    },
    {
      provide: RECORD_PRODUCER,
      inject: [KAFKA_CLIENT, BACKUP_CONFIG, TOPIC_LIMITS],
      useFactory: connectProducer,
    },
    {
      provide: TOPIC_RANGE_READER,
      inject: [KAFKA_CLIENT],
      useFactory: (kafka: Kafka) => new KafkajsTopicRangeReader(kafka),
    },
  ],
  exports: [KAFKA_CLIENT, KAFKA_ADMIN, TOPIC_LIMITS, RECORD_PRODUCER, TOPIC_RANGE_READER],
})
export class KafkaModule implements OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: KafkaAdmin,
    @Inject(RECORD_PRODUCER) private readonly producer: RecordProducerPort,
  ) {}

  /** Runs after the consumer has drained (it shuts down in beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
