import { type Logger } from 'pino';
import { describeError } from '@vault-backup/errors';

/**
 * Writes the line a parent process waits for: one JSON object on its own line of stdout, with
 * `event` (e.g. `key-vault-simulator.listening`), the pid and whatever the simulator's launcher reads.
 */
export function announceReady(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...fields })}\n`);
}

export interface StopOnSignalsOptions {
  /** For log lines, e.g. `key vault simulator`. */
  label: string;
  logger: Logger;
  stop(): Promise<void>;
  /** Also stop when stdin ends: a launcher that dies without stopping us closes the pipe. */
  exitOnStdinEnd: boolean;
}

/** SIGTERM, SIGINT (and optionally the end of stdin) stop the simulator once, then exit 0 (1 if stopping failed). */
export function stopOnSignals(options: StopOnSignalsOptions): void {
  const { label, logger } = options;
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, `${label} stopping`);
    options.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: describeError(error) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  if (options.exitOnStdinEnd) {
    process.stdin.once('end', () => shutdown('stdin closed'));
    process.stdin.resume();
  }
}

/** Runs a simulator's `main`; a failure to start is one line on stderr and exit code 1. */
export function runSimulatorMain(label: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${label} failed to start: ${describeError(error)}\n`);
    process.exit(1);
  });
}
