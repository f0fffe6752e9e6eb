import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { describeError } from '@vault-backup/errors';
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
  const ready = {
    event: READY_EVENT,
    pid: process.pid,
    host: simulator.host,
    authorityHost: simulator.authorityHost,
    entraPort: simulator.entraPort,
    controlPort: simulator.controlPort,
    controlUrl: simulator.controlUrl,
    frontDoor: simulator.frontDoor,
    caCertFile: simulator.caCertFile,
    vaults: simulator.state.vaults.list().map(vaultAddressView),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
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
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'key vault simulator stopping');
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
  process.stderr.write(`key vault simulator failed to start: ${describeError(error)}\n`);
  process.exit(1);
});
