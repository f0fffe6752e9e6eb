export * from './data-source/data-source.factory';
export * from './data-source/database-health';
export * from './entities';
export { MIGRATIONS } from './migrations';
export * from './errors/database-error.translator';
export * from './data-source/translated-queries';
export {
  DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
  MIGRATION_LOCK_KEY,
  MigrationLockTimeoutError,
  type MigrationLockHolder,
  type MigrationLockOptions,
} from './data-source/migration-lock';
