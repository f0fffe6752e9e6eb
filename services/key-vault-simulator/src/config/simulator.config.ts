import { z } from 'zod';
import { envBool, envInt, parseEnv } from '@vault-backup/config';

const schema = z.object({
  KV_SIMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  KV_SIMULATOR_ENTRA_PORT: envInt({ min: 0, max: 65_535 }).default(0),
  KV_SIMULATOR_CONTROL_PORT: envInt({ min: 0, max: 65_535 }).default(0),
  KV_SIMULATOR_FRONT_DOOR_PORT: envInt({ min: 0, max: 65_535 }).default(0),
  KV_SIMULATOR_SEED_FILE: z.string().min(1).optional(),
  KV_SIMULATOR_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** Lets a parent process that dies without cleaning up take the simulator with it. */
  KV_SIMULATOR_EXIT_ON_STDIN_END: envBool().default(false),
});

export interface KeyVaultSimulatorConfig {
  host: string;
  entraPort: number;
  controlPort: number;
  /** The HTTPS port serving every vault by its Azure host name. */
  frontDoorPort: number;
  seedFile?: string;
  logLevel: string;
  exitOnStdinEnd: boolean;
}

export function loadSimulatorConfig(env: NodeJS.ProcessEnv = process.env): KeyVaultSimulatorConfig {
  const raw = parseEnv(schema, env);
  return {
    host: raw.KV_SIMULATOR_HOST,
    entraPort: raw.KV_SIMULATOR_ENTRA_PORT,
    controlPort: raw.KV_SIMULATOR_CONTROL_PORT,
    frontDoorPort: raw.KV_SIMULATOR_FRONT_DOOR_PORT,
    ...(raw.KV_SIMULATOR_SEED_FILE ? { seedFile: raw.KV_SIMULATOR_SEED_FILE } : {}),
    logLevel: raw.KV_SIMULATOR_LOG_LEVEL,
    exitOnStdinEnd: raw.KV_SIMULATOR_EXIT_ON_STDIN_END,
  };
}
