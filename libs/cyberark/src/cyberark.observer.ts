import { type CyberArkErrorClass } from './cyberark.errors';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** An HTTP status, or what happened instead of one. */
export type RequestOutcome = number | 'timeout' | 'network-error' | 'circuit-open';

export type TokenRequestOutcome = 'issued' | CyberArkErrorClass;

/**
 * Hooks for metrics and logs. The library owns no registry: the caller maps these onto its own
 * counters. `route` is always a template (`Accounts/{id}`), never a path with ids or names, so it is
 * safe as a label. Every hook is optional and a throwing hook never breaks a call.
 */
export interface CyberArkClientObserver {
  /** One per HTTP attempt (retries included), and one per call refused by an open circuit. */
  onRequest?(
    tenantKey: string,
    method: string,
    route: string,
    outcome: RequestOutcome,
    durationMs: number,
  ): void;
  onTokenRequest?(tenantKey: string, outcome: TokenRequestOutcome): void;
  onBreakerStateChange?(tenantKey: string, state: BreakerState): void;
  /** Called before the transport waits `delayMs` and tries attempt number `attempt` (2 = first retry). */
  onRetry?(
    tenantKey: string,
    method: string,
    route: string,
    attempt: number,
    reason: RequestOutcome,
    delayMs: number,
  ): void;
  /** Something worth a warning log that is not an error, e.g. a token without a lifetime. Never contains a secret. */
  onWarning?(tenantKey: string, message: string): void;
}

/** Calls a hook and swallows what it throws: metrics must not change the outcome of a call. */
export function notify<K extends keyof CyberArkClientObserver>(
  observer: CyberArkClientObserver | undefined,
  hook: K,
  ...args: Parameters<NonNullable<CyberArkClientObserver[K]>>
): void {
  const fn = observer?.[hook] as ((...a: typeof args) => void) | undefined;
  if (fn === undefined) return;
  try {
    fn.apply(observer, args);
  } catch {
    // deliberately ignored, see above
  }
}
