import { AppError, ConfigurationError, describeError } from '@vault-backup/errors';
import { createLogger } from '@vault-backup/observability';
import { startBackupService } from './bootstrap';
import { loadBackupConfig } from './config/backup.config';
import { EXIT_CONFIG, EXIT_FAILURE, installShutdownHandlers } from './lifecycle/process-lifecycle';
import { routeProcessWarnings } from './lifecycle/process-warnings';
import { ConsumerSupervisor } from './pipeline/consumer.supervisor';

const logger = createLogger({ name: 'vault-backup', level: 'info' });

async function main(): Promise<void> {
  routeProcessWarnings(logger);
  const config = loadBackupConfig();
  logger.level = config.logLevel;
  const app = await startBackupService(config);
  const shutdown = installShutdownHandlers(app, logger, config.shutdownTimeoutMs);
  // A stuck batch may never drain: then the shutdown deadline ends the process, with exit 1 as well.
  app.get(ConsumerSupervisor).onFatal((error) => {
    logger.fatal(
      { err: error },
      'the Kafka consumer stopped for good or the pipeline stayed stuck; exiting so the orchestrator restarts us',
    );
    shutdown('consumer-failed', EXIT_FAILURE);
  });
  logger.info({ port: config.http.port }, 'vault-backup is up');
}

/** One clear line for the operator instead of a stack-trace wall. */
main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    logger.fatal({ problems: error.problems }, `${error.message}; see the configuration table in README.md`);
    process.exit(EXIT_CONFIG);
  }
  const cause = error instanceof AppError ? error.message : describeError(error);
  logger.fatal({ err: error instanceof AppError ? undefined : error }, `cannot start: ${cause}`);
  process.exit(EXIT_FAILURE);
});
