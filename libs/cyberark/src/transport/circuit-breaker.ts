import CircuitBreaker from 'opossum';
import { CyberArkUnavailableError, isTransientCyberArkError } from '../cyberark.errors';
import { type BreakerState, type CyberArkClientObserver, notify } from '../cyberark.observer';
import { type BreakerOptions } from './transport.options';

type Action = () => Promise<unknown>;

/**
 * One opossum breaker per tenant. Only transient failures (unavailable, throttled) count: a 4xx says
 * CyberArk is up and answering, so it must never open the circuit. Calls refused while open become a
 * retriable `CyberArkUnavailableError` with reason `circuit-open` and are not counted as failures.
 */
export class TenantCircuitBreaker {
  readonly #breaker: CircuitBreaker<[Action], unknown>;

  constructor(tenantKey: string, options: BreakerOptions, observer?: CyberArkClientObserver) {
    this.#breaker = new CircuitBreaker((action: Action) => action(), {
      name: tenantKey,
      // Timeouts belong to the HTTP layer, which can tell a slow CyberArk from a slow retry schedule.
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: options.resetTimeoutMs,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: options.rollingBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !isTransientCyberArkError(error),
    });
    const report = (state: BreakerState) => () => notify(observer, 'onBreakerStateChange', tenantKey, state);
    this.#breaker.on('open', report('open'));
    this.#breaker.on('halfOpen', report('halfOpen'));
    this.#breaker.on('close', report('closed'));
  }

  get state(): BreakerState {
    if (this.#breaker.opened) return 'open';
    return this.#breaker.halfOpen ? 'halfOpen' : 'closed';
  }

  async run<T>(action: () => Promise<T>, operation: string): Promise<T> {
    try {
      return (await this.#breaker.fire(action)) as T;
    } catch (error) {
      throw refusalToError(error, operation) ?? error;
    }
  }

  shutdown(): void {
    this.#breaker.shutdown();
  }
}

function refusalToError(error: unknown, operation: string): CyberArkUnavailableError | undefined {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (code === 'EOPENBREAKER') {
    return new CyberArkUnavailableError(
      'circuit-open',
      `${operation} refused: the circuit for this tenant is open`,
      {
        operation,
      },
    );
  }
  if (code === 'ESHUTDOWN') {
    return new CyberArkUnavailableError('circuit-open', `${operation} refused: this client was disposed`, {
      operation,
    });
  }
  return undefined;
}
