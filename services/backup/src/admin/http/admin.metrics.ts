import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@vault-backup/observability';

/**
 * Admin API request counts by route template (never a raw path: ids would explode cardinality), and
 * what replay jobs handled: records by state (`replayed`, `skipped`, `failed`) and job kind.
 */
export class AdminMetrics {
  readonly requests: Counter<'route' | 'status_class'>;
  readonly replayItems: Counter<'kind' | 'state'>;
  readonly replayBatchFailures: Counter<'retriable'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: `${METRIC_PREFIX}admin_requests_total`,
      help: 'Admin API requests by route template and status class.',
      labelNames: ['route', 'status_class'],
      registers: [registry],
    });
    this.replayItems = new Counter({
      name: `${METRIC_PREFIX}replay_job_items_total`,
      help: 'Records handled by replay jobs, by job kind and state (replayed, skipped, failed).',
      labelNames: ['kind', 'state'],
      registers: [registry],
    });
    this.replayBatchFailures = new Counter({
      name: `${METRIC_PREFIX}replay_job_batch_failures_total`,
      help: 'Replay job batches rolled back (tried again next round), by whether the error was transient.',
      labelNames: ['retriable'],
      registers: [registry],
    });
  }
}
