import { ConfigurationError } from '@vault-backup/errors';
import { loadSimulatorConfig } from './simulator.config';

describe('loadSimulatorConfig', () => {
  it('defaults to loopback and free ports', () => {
    expect(loadSimulatorConfig({})).toEqual({
      host: '127.0.0.1',
      entraPort: 0,
      controlPort: 0,
      frontDoorPort: 0,
      logLevel: 'info',
      exitOnStdinEnd: false,
    });
  });

  it('reads ports, the seed file and the stdin switch', () => {
    expect(
      loadSimulatorConfig({
        KV_SIMULATOR_ENTRA_PORT: '4443',
        KV_SIMULATOR_CONTROL_PORT: '4480',
        KV_SIMULATOR_FRONT_DOOR_PORT: '4444',
        KV_SIMULATOR_SEED_FILE: '/tmp/seed.json',
        KV_SIMULATOR_EXIT_ON_STDIN_END: 'true',
      }),
    ).toMatchObject({
      entraPort: 4443,
      controlPort: 4480,
      frontDoorPort: 4444,
      seedFile: '/tmp/seed.json',
      exitOnStdinEnd: true,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadSimulatorConfig({ KV_SIMULATOR_ENTRA_PORT: '70000' })).toThrow(ConfigurationError);
    expect(() => loadSimulatorConfig({ KV_SIMULATOR_ENTRA_PORT: '70000' })).toThrow(
      /KV_SIMULATOR_ENTRA_PORT/,
    );
  });
});
