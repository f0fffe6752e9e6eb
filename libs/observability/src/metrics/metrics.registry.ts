import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Prefix of every metric this service defines (Prometheus naming: one application prefix). prom-client's default
 * process/Node.js metrics are exported without it, under their standard names (`process_cpu_seconds_total`,
 * `nodejs_heap_size_used_bytes`, …), so stock Node.js dashboards and the usual alerts find them.
 */
export const METRIC_PREFIX = 'vault_backup_';

/** Name of the build-info gauge: always 1, the build is in its labels. */
export const BUILD_INFO_METRIC = `${METRIC_PREFIX}build_info`;

/** Environment variables the image sets from its VERSION / REVISION build args (see the Dockerfile). */
export const BUILD_INFO_ENV = {
  version: 'VAULT_BACKUP_VERSION',
  revision: 'VAULT_BACKUP_REVISION',
} as const;

export interface BuildInfo {
  version: string;
  revision: string;
  nodeVersion: string;
}

const PACKAGE_NAME = 'vault-backup';

/**
 * The version in the repository's package.json (the image copies it to /app), found by walking up from this
 * file: the same code runs from libs/… (tests, ts-node) and from dist/libs/… (build, image). 'unknown' if none.
 */
function packageVersion(): string {
  let directory = __dirname;
  for (let depth = 0; depth < 8; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string' && pkg.version !== '')
        return pkg.version;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return 'unknown';
}

/**
 * Build identity from the environment: VAULT_BACKUP_VERSION (default: package.json's version) and
 * VAULT_BACKUP_REVISION (default `unknown`), plus the running Node.js version.
 */
export function buildInfoFromEnv(env: Record<string, string | undefined> = process.env): BuildInfo {
  const version = env[BUILD_INFO_ENV.version]?.trim();
  const revision = env[BUILD_INFO_ENV.revision]?.trim();
  return {
    version: version ? version : packageVersion(),
    revision: revision ? revision : 'unknown',
    nodeVersion: process.version,
  };
}

/**
 * One registry per process (or per test), never prom-client's global: tests start several application instances
 * in one process and must not collide on metric names.
 *
 * `defaultMetrics`: prom-client's process/Node.js metrics under their standard, unprefixed names, plus
 * `vault_backup_build_info{version,revision,node_version} 1` (from `buildInfo`, by default the environment).
 */
export function createMetricsRegistry(options: {
  defaultMetrics: boolean;
  labels?: Record<string, string>;
  buildInfo?: BuildInfo;
}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    const build = options.buildInfo ?? buildInfoFromEnv();
    new Gauge({
      name: BUILD_INFO_METRIC,
      help: 'Build of the running service: always 1; version, VCS revision and Node.js version in the labels',
      labelNames: ['version', 'revision', 'node_version'] as const,
      registers: [registry],
    })
      .labels({ version: build.version, revision: build.revision, node_version: build.nodeVersion })
      .set(1);
  }
  return registry;
}
