import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  type BreakerState,
  type CyberArkClientObserver,
  type RequestOutcome,
  type TokenRequestOutcome,
} from '@vault-backup/cyberark';
import { METRIC_PREFIX } from '@vault-backup/observability';

/**
 * CyberArk client telemetry as Prometheus metrics. Tenants are never labels (unbounded); breaker
 * states are counted across tenants instead.
 */
export class CyberArkMetricsObserver implements CyberArkClientObserver {
  private readonly requests: Histogram<'method' | 'route' | 'status_class'>;
  private readonly tokenRequests: Counter<'outcome'>;
  private readonly retries: Counter<'route'>;
  private readonly breakersOpen: Gauge;
  private readonly breakerStates = new Map<string, BreakerState>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Histogram({
      name: `${METRIC_PREFIX}cyberark_request_duration_seconds`,
      help: 'CyberArk HTTP requests by method, route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.tokenRequests = new Counter({
      name: `${METRIC_PREFIX}cyberark_token_requests_total`,
      help: 'Platform-token requests to CyberArk Identity, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.retries = new Counter({
      name: `${METRIC_PREFIX}cyberark_retries_total`,
      help: 'CyberArk requests retried after a transient failure.',
      labelNames: ['route'],
      registers,
    });
    this.breakersOpen = new Gauge({
      name: `${METRIC_PREFIX}cyberark_breakers_open`,
      help: 'Tenants whose CyberArk circuit breaker is open or half-open (probing) right now.',
      registers,
    });
  }

  onRequest(
    _tenantKey: string,
    method: string,
    route: string,
    outcome: RequestOutcome,
    durationMs: number,
  ): void {
    const statusClass = statusClassOf(outcome);
    this.requests.observe({ method, route, status_class: statusClass }, durationMs / 1000);
  }

  onTokenRequest(_tenantKey: string, outcome: TokenRequestOutcome): void {
    this.tokenRequests.inc({ outcome });
  }

  onRetry(_tenantKey: string, _method: string, route: string): void {
    this.retries.inc({ route });
  }

  onBreakerStateChange(tenantKey: string, state: BreakerState): void {
    if (state === 'closed') this.breakerStates.delete(tenantKey);
    else this.breakerStates.set(tenantKey, state);
    this.breakersOpen.set(this.breakerStates.size);
  }
}

/** 429 is its own class: throttling must stay visible next to other client errors. */
function statusClassOf(outcome: RequestOutcome): string {
  if (typeof outcome !== 'number') return outcome;
  return outcome === 429 ? '429' : `${Math.floor(outcome / 100)}xx`;
}
