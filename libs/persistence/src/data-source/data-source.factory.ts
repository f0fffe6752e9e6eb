import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';

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

/** Applies pending migrations; returns the names applied (empty when the schema is current). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
