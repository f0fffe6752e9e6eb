import { DataSource, MigrationExecutor } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';
import { acquireMigrationLock, type MigrationLockOptions, releaseMigrationLock } from './migration-lock';

export interface DatabaseSettings {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
  /** Per-statement ceiling so a stuck query surfaces as an error instead of a hang. */
  readonly statementTimeoutMs: number;
}

/**
 * Schema changes only ever come from the migrations (never `synchronize`), so what runs in
 * production is exactly what CI ran.
 */
export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName,
    extra: {
      max: settings.poolSize,
      statement_timeout: settings.statementTimeoutMs,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
  });
}

/**
 * Applies pending migrations; returns the names applied (empty when the schema is current).
 *
 * TypeORM takes no lock of its own, so two replicas starting on a fresh database would both create the
 * migrations table and run the same migration. Every migrator (service start-up, `npm run db:migrate`, the
 * Helm migration Job) therefore first takes a session-level PostgreSQL advisory lock (MIGRATION_LOCK_KEY) on
 * one dedicated connection, runs the migrations on that same connection (one transaction per migration)
 * and unlocks in `finally`. A migrator that finds the lock taken polls until the holder is done, then sees
 * nothing pending; after `lockTimeoutMs` it fails with MigrationLockTimeoutError naming the holder. If the
 * process dies, PostgreSQL drops the lock with the session.
 */
export async function runMigrations(
  dataSource: DataSource,
  options: MigrationLockOptions = {},
): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner('master');
  try {
    await acquireMigrationLock(queryRunner, options);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      // An unlock that fails means the connection broke, which ends the session and with it the lock;
      // the migration's own error, if any, is the one worth reporting.
      await releaseMigrationLock(queryRunner).catch(() => false);
    }
  } finally {
    await queryRunner.release();
  }
}
