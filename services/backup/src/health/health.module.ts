import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { type KafkaAdmin } from '@vault-backup/kafka';
import { checkDatabase } from '@vault-backup/persistence';
import { DATA_SOURCE } from '../database/database.tokens';
import { KAFKA_ADMIN } from '../kafka/kafka.tokens';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';

@Global()
@Module({
  controllers: [HealthController],
  providers: [HealthRegistry],
  exports: [HealthRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(KAFKA_ADMIN) private readonly kafkaAdmin: KafkaAdmin,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'postgresql',
      kinds: ['ready'],
      check: () => checkDatabase(this.dataSource),
    });
    this.registry.register({ name: 'kafka', kinds: ['ready'], check: () => this.kafkaAdmin.ping() });
  }
}
