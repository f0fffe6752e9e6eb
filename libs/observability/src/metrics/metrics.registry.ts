import { collectDefaultMetrics, Registry } from 'prom-client';

/** Prefix of every metric this service exports (Prometheus naming: one application prefix). */
export const METRIC_PREFIX = 'vault_backup_';

/**
 * One registry per process (or per test), never prom-client's global: tests start several
 * application instances in one process and must not collide on metric names.
 */
export function createMetricsRegistry(options: {
  defaultMetrics: boolean;
  labels?: Record<string, string>;
}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
