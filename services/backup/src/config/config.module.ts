import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BACKUP_CONFIG, type BackupConfig } from './backup.config';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BackupConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: BACKUP_CONFIG, useValue: config }],
      exports: [BACKUP_CONFIG],
    };
  }
}
