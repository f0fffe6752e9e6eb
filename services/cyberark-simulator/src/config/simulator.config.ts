import { z } from 'zod';
import { envBool, envInt, parseEnv } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';

const schema = z.object({
  SIMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SIMULATOR_PORT: envInt({ min: 0, max: 65_535 }).default(18_080),
  SIMULATOR_CCP_PORT: envInt({ min: 0, max: 65_535 }).default(18_443),
  SIMULATOR_CCP_ENABLED: envBool().default(true),
  SIMULATOR_CCP_TLS_CERT_FILE: z.string().min(1).optional(),
  SIMULATOR_CCP_TLS_KEY_FILE: z.string().min(1).optional(),
  SIMULATOR_CCP_TLS_CA_FILE: z.string().min(1).optional(),
  SIMULATOR_SEED_FILE: z.string().min(1).optional(),
  SIMULATOR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Lets a parent process that dies without cleaning up take the simulator with it. */
  SIMULATOR_EXIT_ON_STDIN_END: envBool().default(false),
});

export interface SimulatorConfig {
  host: string;
  port: number;
  ccp: false | { port: number; tls?: { certFile: string; keyFile: string; caFile: string } };
  seedFile?: string;
  logLevel: string;
  exitOnStdinEnd: boolean;
}

export function loadSimulatorConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const raw = parseEnv(schema, env);
  const tlsFiles = [
    raw.SIMULATOR_CCP_TLS_CERT_FILE,
    raw.SIMULATOR_CCP_TLS_KEY_FILE,
    raw.SIMULATOR_CCP_TLS_CA_FILE,
  ];
  const given = tlsFiles.filter((file) => file !== undefined);
  if (given.length !== 0 && given.length !== tlsFiles.length) {
    throw new ConfigurationError([
      'SIMULATOR_CCP_TLS_CERT_FILE, SIMULATOR_CCP_TLS_KEY_FILE and SIMULATOR_CCP_TLS_CA_FILE must be set together',
    ]);
  }
  const [certFile, keyFile, caFile] = tlsFiles as [string, string, string];
  const tls = given.length === 0 ? undefined : { certFile, keyFile, caFile };
  return {
    host: raw.SIMULATOR_HOST,
    port: raw.SIMULATOR_PORT,
    ccp: raw.SIMULATOR_CCP_ENABLED ? { port: raw.SIMULATOR_CCP_PORT, ...(tls ? { tls } : {}) } : false,
    ...(raw.SIMULATOR_SEED_FILE ? { seedFile: raw.SIMULATOR_SEED_FILE } : {}),
    logLevel: raw.SIMULATOR_LOG_LEVEL,
    exitOnStdinEnd: raw.SIMULATOR_EXIT_ON_STDIN_END,
  };
}
