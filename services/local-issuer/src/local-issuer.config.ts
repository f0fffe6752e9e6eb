import { z } from 'zod';
import { envInt, parseEnv } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';

export const localIssuerEnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  LOCAL_ISSUER_PORT: envInt({ min: 0, max: 65_535 }).default(18_090),
  LOCAL_ISSUER_AUDIENCE: z.string().trim().min(1).max(512).default('vault-backup-admin'),
  LOCAL_ISSUER_MAX_LIFETIME: envInt({ min: 60, max: 86_400 }).default(3_600),
});

export interface LocalIssuerConfig {
  readonly port: number;
  readonly audience: string;
  /** Seconds; a requested `expiresIn` above this is refused. */
  readonly maxLifetimeSeconds: number;
}

/** A token mint for anyone on loopback: never in production. */
export function loadLocalIssuerConfig(
  env: Record<string, string | undefined> = process.env,
): LocalIssuerConfig {
  const parsed = parseEnv(localIssuerEnvSchema, env);
  if (parsed.NODE_ENV === 'production') {
    throw new ConfigurationError([
      'the local issuer mints tokens for anyone on this host: it refuses to run with NODE_ENV=production',
    ]);
  }
  return {
    port: parsed.LOCAL_ISSUER_PORT,
    audience: parsed.LOCAL_ISSUER_AUDIENCE,
    maxLifetimeSeconds: parsed.LOCAL_ISSUER_MAX_LIFETIME,
  };
}
