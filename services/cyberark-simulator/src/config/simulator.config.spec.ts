import { ConfigurationError } from '@vault-backup/errors';
import { loadSimulatorConfig } from './simulator.config';

describe('loadSimulatorConfig', () => {
  it('has loopback defaults', () => {
    expect(loadSimulatorConfig({})).toEqual({
      host: '127.0.0.1',
      port: 18080,
      ccp: { port: 18443 },
      logLevel: 'info',
      exitOnStdinEnd: false,
    });
  });

  it('reads ports, the seed file and TLS files', () => {
    const config = loadSimulatorConfig({
      SIMULATOR_PORT: '0',
      SIMULATOR_CCP_PORT: '9443',
      SIMULATOR_SEED_FILE: '/seed.json',
      SIMULATOR_CCP_TLS_CERT_FILE: '/c',
      SIMULATOR_CCP_TLS_KEY_FILE: '/k',
      SIMULATOR_CCP_TLS_CA_FILE: '/ca',
    });
    expect(config).toMatchObject({
      port: 0,
      seedFile: '/seed.json',
      ccp: { port: 9443, tls: { certFile: '/c', keyFile: '/k', caFile: '/ca' } },
    });
  });

  it('can disable CCP', () => {
    expect(loadSimulatorConfig({ SIMULATOR_CCP_ENABLED: 'false' }).ccp).toBe(false);
  });

  it('refuses partial TLS settings and bad ports', () => {
    expect(() => loadSimulatorConfig({ SIMULATOR_CCP_TLS_CERT_FILE: '/c' })).toThrow(ConfigurationError);
    expect(() => loadSimulatorConfig({ SIMULATOR_PORT: '70000' })).toThrow(ConfigurationError);
  });
});
