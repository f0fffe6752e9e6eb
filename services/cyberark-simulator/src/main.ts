import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { describeError } from '@vault-backup/errors';
import { loadSimulatorConfig } from './config/simulator.config';
import { seedSchema, type SeedDocument } from './control/control.schemas';
import { type RunningSimulator, startSimulator } from './simulator';

/** The line a parent process waits for; one JSON object, always on its own line of stdout. */
export const READY_EVENT = 'cyberark-simulator.listening';

async function loadSeed(file: string | undefined): Promise<SeedDocument | undefined> {
  if (!file) return undefined;
  return seedSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

function announce(simulator: RunningSimulator): void {
  const ready = {
    event: READY_EVENT,
    pid: process.pid,
    host: simulator.host,
    httpPort: simulator.httpPort,
    ccpPort: simulator.ccpPort ?? null,
    ccpCaCertFile: simulator.ccpCaCertFile ?? null,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

async function main(): Promise<void> {
  const config = loadSimulatorConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'cyberark-simulator' } });
  const simulator = await startSimulator({
    host: config.host,
    port: config.port,
    ccp: config.ccp,
    logger,
    ...(config.seedFile ? { seed: await loadSeed(config.seedFile) } : {}),
  });
  announce(simulator);
  logger.info({ httpPort: simulator.httpPort, ccpPort: simulator.ccpPort }, 'cyberark simulator listening');
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'cyberark simulator stopping');
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: describeError(error) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  if (config.exitOnStdinEnd) {
    process.stdin.once('end', () => shutdown('stdin closed'));
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cyberark simulator failed to start: ${describeError(error)}\n`);
  process.exit(1);
});
