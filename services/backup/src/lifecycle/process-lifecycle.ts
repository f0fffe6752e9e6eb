import { type INestApplication } from '@nestjs/common';
import { type Logger } from 'pino';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h: the operator must fix the environment.

/**
 * SIGTERM/SIGINT: close the application (the consumer stops fetching, drains, commits and leaves the
 * group in its shutdown hook), bounded by a deadline after which we exit anyway, with an error code.
 */
export function installShutdownHandlers(
  app: INestApplication,
  logger: Logger,
  deadlineMs: number,
): (reason: string, exitCode?: number) => void {
  let shuttingDown = false;
  const shutdown = (reason: string, exitCode = EXIT_OK): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason, deadlineMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting without a clean close');
      process.exit(EXIT_FAILURE);
    }, deadlineMs);
    deadline.unref();
    app
      .close()
      .then(() => {
        logger.info('shut down cleanly');
        process.exit(exitCode);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(EXIT_FAILURE);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return shutdown;
}
