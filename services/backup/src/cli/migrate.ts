import { z } from 'zod';
import { envSecret, envUrl, parseEnv } from '@vault-backup/config';
import { describeError } from '@vault-backup/errors';
import { createLogger } from '@vault-backup/observability';
import { createDataSource, runMigrations } from '@vault-backup/persistence';

/** `npm run db:migrate`: applies pending migrations and exits; the service also does it on start. */
async function migrate(): Promise<void> {
  const logger = createLogger({ name: 'vault-backup-migrate', level: 'info' });
  const env = parseEnv(z.object({ DATABASE_URL: envSecret(envUrl(['postgres:', 'postgresql:'])) }));
  const dataSource = createDataSource({
    url: env.DATABASE_URL.reveal(),
    poolSize: 2,
    applicationName: 'vault-backup-migrate',
    statementTimeoutMs: 600_000,
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
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
