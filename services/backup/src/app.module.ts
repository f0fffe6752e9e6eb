import { type DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { type BackupConfig } from './config/backup.config';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/crypto.module';
import { CyberArkModule } from './cyberark/cyberark.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { KafkaModule } from './kafka/kafka.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PipelineModule } from './pipeline/pipeline.module';

@Module({})
export class AppModule {
  /** The configuration is parsed before Nest starts, so a bad environment fails fast with one line. */
  static forRoot(config: BackupConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        DatabaseModule,
        KafkaModule,
        HealthModule,
        CryptoModule,
        CyberArkModule,
        PipelineModule,
        AdminModule.forRoot({ config: config.admin, imports: [PipelineModule] }),
      ],
    };
  }
}
