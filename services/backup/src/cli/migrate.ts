import { z } from 'zod';
import { envDuration, envSecret, envUrl, parseEnv } from '@vault-backup/config';
import { describeError } from '@vault-backup/errors';
import { createLogger } from '@vault-backup/observability';
import {
  createDataSource,
  DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
  runMigrations,
} from '@vault-backup/persistence';

/**
 * `npm run db:migrate`, and the Helm chart's pre-install/pre-upgrade Job
 * (`node dist/services/backup/src/cli/migrate.js`): applies pending migrations and exits. The service also
 * does it on start unless DATABASE_MIGRATE_ON_START=false; all of them take the same advisory lock, so
 * they can run at the same time. Exit 0 = schema current, 1 = failed (incl. the lock not taken in time).
 */
async function migrate(): Promise<void> {
  const logger = createLogger({ name: 'vault-backup-migrate', level: 'info' });
  const env = parseEnv(
    z.object({
      DATABASE_URL: envSecret(envUrl(['postgres:', 'postgresql:'])),
      DATABASE_MIGRATION_LOCK_TIMEOUT: envDuration().default(DEFAULT_MIGRATION_LOCK_TIMEOUT_MS),
    }),
  );
  const dataSource = createDataSource({
    url: env.DATABASE_URL.reveal(),
    poolSize: 2,
    applicationName: 'vault-backup-migrate',
    statementTimeoutMs: 600_000,
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, {
      lockTimeoutMs: env.DATABASE_MIGRATION_LOCK_TIMEOUT,
      onWait: (holder) =>
        logger.info(
          { holder, timeoutMs: env.DATABASE_MIGRATION_LOCK_TIMEOUT },
          'another migrator holds the migration lock; waiting for it',
        ),
    });
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema is up to date');
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().catch((error: unknown) => {
  createLogger({ name: 'vault-backup-migrate', level: 'info' }).fatal(
    `migration failed: ${describeError(error)}`,
  );
  process.exit(1);
});
