import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, requireBrokers } from '@vault-backup/testing';
import { type BenchEnvironment } from './bench-environment';

export interface ServiceLaunch {
  /** `dist`: compiled output (`bash scripts/build.sh`); `source`: main.ts through @swc-node/register. */
  readonly mode: 'dist' | 'source';
  /** Node arguments after the binary (without profiling flags). */
  readonly args: readonly string[];
  /** Why the compiled output may not match the sources, if it may not. */
  readonly warning?: string;
}

const DIST_MAIN = join(REPO_ROOT, 'dist', 'services', 'backup', 'src', 'main.js');
const SOURCE_MAIN = join('services', 'backup', 'src', 'main.ts');

/** The compiled service when it exists (what production runs), else the TypeScript entry point. */
export function serviceLaunch(): ServiceLaunch {
  if (!existsSync(DIST_MAIN)) {
    return {
      mode: 'source',
      args: ['-r', '@swc-node/register', SOURCE_MAIN],
      warning: 'dist/ not built: running main.ts through @swc-node/register (run `bash scripts/build.sh`)',
    };
  }
  const stale = staleOutput([join(REPO_ROOT, 'services', 'backup', 'src'), join(REPO_ROOT, 'libs')]);
  return {
    mode: 'dist',
    args: [DIST_MAIN],
    ...(stale
      ? {
          warning: `dist/ is older than ${stale} (changed after the last build): npm run bench rebuilds first`,
        }
      : {}),
  };
}

/**
 * The first source file whose compiled output is missing or older than it. tsc builds
 * incrementally, so only a file-by-file comparison says whether dist/ matches the sources.
 */
function staleOutput(roots: readonly string[]): string | undefined {
  const visit = (directory: string): string | undefined => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (['node_modules', 'test', 'testing'].includes(entry.name)) continue;
        const found = visit(path);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && !/\.(d|spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
        const output = join(REPO_ROOT, 'dist', relative(REPO_ROOT, path).replace(/\.ts$/, '.js'));
        if (!existsSync(output) || statSync(output).mtimeMs < statSync(path).mtimeMs)
          return relative(REPO_ROOT, path);
      }
    }
    return undefined;
  };
  for (const root of roots) {
    const found = existsSync(root) ? visit(root) : undefined;
    if (found) return found;
  }
  return undefined;
}

export interface ServiceEnvOptions {
  readonly port: number;
  readonly tenantMaxInFlight: number;
  readonly maxInFlight: number;
  readonly extra: Readonly<Record<string, string>>;
}

/**
 * The service's environment: production defaults for everything that shapes throughput (pool
 * size, fetch sizes, partition concurrency, deadlines, LOG_LEVEL=info), the run's own database,
 * topics and consumer group, and explicit in-flight caps.
 */
export function serviceEnv(
  environment: BenchEnvironment,
  options: ServiceEnvOptions,
): Record<string, string> {
  return {
    // Not production: CYBERARK_ALLOW_INSECURE_LOOPBACK (the simulator) is refused there; NODE_ENV sets no throughput knob.
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(options.port),
    DATABASE_URL: environment.database.url,
    KAFKA_BROKERS: requireBrokers().join(','),
    KAFKA_CLIENT_ID: `bench-${environment.options.label}`,
    KAFKA_GROUP_ID: `${environment.topics.created}-group`,
    KAFKA_TOPICS: `${environment.topics.created},${environment.topics.updated}`,
    KAFKA_DLQ_TOPIC: environment.topics.dlq,
    DATA_ENCRYPTION_KEYS: environment.keyRing,
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    BACKUP_TENANT_MAX_IN_FLIGHT: String(options.tenantMaxInFlight),
    BACKUP_MAX_IN_FLIGHT: String(options.maxInFlight),
    // The simulator listens on plain http on loopback.
    CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
    // Only read if the admin API is mounted; never called by the pipeline.
    AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    AUTH_ISSUER: 'vault-backup-bench',
    AUTH_AUDIENCE: 'vault-backup-bench',
    ...options.extra,
  };
}
