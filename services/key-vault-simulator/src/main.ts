import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { announceReady, runSimulatorMain, stopOnSignals } from '@vault-backup/simulator-kit';
import { loadSimulatorConfig } from './config/simulator.config';
import { type SeedDocument, seedSchema } from './control/control.schemas';
import { vaultAddressView } from './control/control.views';
import { type RunningKeyVaultSimulator, startKeyVaultSimulator } from './simulator';

/** The line a parent process waits for; one JSON object, always on its own line of stdout. */
export const READY_EVENT = 'key-vault-simulator.listening';

async function loadSeed(file: string | undefined): Promise<SeedDocument | undefined> {
  if (!file) return undefined;
  return seedSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

function announce(simulator: RunningKeyVaultSimulator): void {
  announceReady(READY_EVENT, {
    host: simulator.host,
    authorityHost: simulator.authorityHost,
    entraPort: simulator.entraPort,
    controlPort: simulator.controlPort,
    controlUrl: simulator.controlUrl,
    frontDoor: simulator.frontDoor,
    caCertFile: simulator.caCertFile,
    vaults: simulator.state.vaults.list().map(vaultAddressView),
  });
}

async function main(): Promise<void> {
  const config = loadSimulatorConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'key-vault-simulator' } });
  const seed = await loadSeed(config.seedFile);
  const simulator = await startKeyVaultSimulator({
    host: config.host,
    entraPort: config.entraPort,
    controlPort: config.controlPort,
    frontDoorPort: config.frontDoorPort,
    logger,
    ...(seed ? { seed } : {}),
  });
  announce(simulator);
  logger.info(
    {
      authorityHost: simulator.authorityHost,
      frontDoor: simulator.frontDoor,
      controlUrl: simulator.controlUrl,
    },
    'key vault simulator listening',
  );
  stopOnSignals({
    label: 'key vault simulator',
    logger,
    stop: () => simulator.stop(),
    exitOnStdinEnd: config.exitOnStdinEnd,
  });
}

runSimulatorMain('key vault simulator', main);
