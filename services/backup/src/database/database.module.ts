import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { createDataSource, runMigrations } from '@vault-backup/persistence';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { DATA_SOURCE } from './database.tokens';

async function connect(config: BackupConfig): Promise<DataSource> {
  const logger = new Logger('Database');
  const dataSource = createDataSource({
    url: config.database.url.reveal(),
    poolSize: config.database.poolSize,
    applicationName: 'vault-backup',
    statementTimeoutMs: config.database.statementTimeoutMs,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DependencyUnavailableError(
      'postgresql',
      'cannot connect with DATABASE_URL — is PostgreSQL running and reachable? (npm run stack:up starts a local one)',
      { cause: error },
    );
  }
  if (config.database.migrateOnStart) {
    const applied = await runMigrations(dataSource, {
      lockTimeoutMs: config.database.migrationLockTimeoutMs,
      onWait: (holder) =>
        logger.log(
          { holder, timeoutMs: config.database.migrationLockTimeoutMs },
          'another migrator holds the migration lock; waiting for it',
        ),
    });
    if (applied.length > 0) logger.log({ applied }, 'database migrations applied');
  }
  return dataSource;
}

@Global()
@Module({
  providers: [{ provide: DATA_SOURCE, inject: [BACKUP_CONFIG], useFactory: connect }],
  exports: [DATA_SOURCE],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
