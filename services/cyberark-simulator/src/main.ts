import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { announceReady, runSimulatorMain, stopOnSignals } from '@vault-backup/simulator-kit';
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
  announceReady(READY_EVENT, {
    host: simulator.host,
    httpPort: simulator.httpPort,
    ccpPort: simulator.ccpPort ?? null,
    ccpCaCertFile: simulator.ccpCaCertFile ?? null,
  });
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
  stopOnSignals({
    label: 'cyberark simulator',
    logger,
    stop: () => simulator.stop(),
    exitOnStdinEnd: config.exitOnStdinEnd,
  });
}

runSimulatorMain('cyberark simulator', main);
