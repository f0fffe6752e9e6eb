import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@vault-backup/observability';

/** Admin API request counts by route template (never a raw path: ids would explode cardinality). */
export class AdminMetrics {
  readonly requests: Counter<'route' | 'status_class'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: `${METRIC_PREFIX}admin_requests_total`,
      help: 'Admin API requests by route template and status class.',
      labelNames: ['route', 'status_class'],
      registers: [registry],
    });
  }
}
