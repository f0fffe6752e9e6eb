import { type Clock } from '../clock/clock';
import {
  DOCUMENTED_LIMITS,
  THROTTLE_WINDOW_MS,
  type ThrottleLimitName,
  type ThrottleLimits,
} from './throttle-limits';

export interface ThrottleSettings {
  enabled: boolean;
  windowMs: number;
  limits: ThrottleLimits;
}

export type ThrottleDecision = { admitted: true } | { admitted: false; retryAfterSeconds: number };

interface Admitted {
  atMs: number;
  cost: number;
}

/**
 * Integer capacity units per window: a call costs floor(CAPACITY / limit), so exactly `limit`
 * calls of one kind fit, and mixes add up without floating-point drift (limits up to 10^6).
 */
const CAPACITY = 1_000_000_000_000;

export const defaultThrottleSettings = (): ThrottleSettings => ({
  enabled: true,
  windowMs: THROTTLE_WINDOW_MS,
  limits: { ...DOCUMENTED_LIMITS },
});

/**
 * Key Vault's per-vault throttle: a sliding window over admitted calls, each weighted by its key
 * kind, enforced on the sum. Refused calls are not recorded ("failed requests that return a 429 do
 * not count towards the throttle limits", overview-throttling).
 */
export class WeightedThrottle {
  private admitted: Admitted[] = [];
  private head = 0;
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private settings: ThrottleSettings = defaultThrottleSettings(),
  ) {}

  get current(): Readonly<ThrottleSettings> {
    return this.settings;
  }

  configure(change: { enabled?: boolean; windowMs?: number; limits?: Partial<ThrottleLimits> }): void {
    this.settings = {
      enabled: change.enabled ?? this.settings.enabled,
      windowMs: change.windowMs ?? this.settings.windowMs,
      limits: { ...this.settings.limits, ...change.limits },
    };
  }

  /** Forgets the calls in the window (not the settings). */
  reset(): void {
    this.admitted = [];
    this.head = 0;
    this.used = 0;
  }

  tryAdmit(kind: ThrottleLimitName): ThrottleDecision {
    if (!this.settings.enabled) return { admitted: true };
    const now = this.clock.now();
    this.expire(now);
    const cost = Math.floor(CAPACITY / this.settings.limits[kind]);
    if (this.used + cost > CAPACITY)
      return { admitted: false, retryAfterSeconds: this.retryAfter(cost, now) };
    this.admitted.push({ atMs: now, cost });
    this.used += cost;
    return { admitted: true };
  }

  /** Share of the window in use, 0..1, for the control API. */
  usage(): number {
    this.expire(this.clock.now());
    return this.used / CAPACITY;
  }

  private expire(now: number): void {
    const horizon = now - this.settings.windowMs;
    while (this.head < this.admitted.length && this.admitted[this.head].atMs <= horizon) {
      this.used -= this.admitted[this.head].cost;
      this.head++;
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.admitted.length) {
      this.admitted = this.admitted.slice(this.head);
      this.head = 0;
    }
  }

  /** Whole seconds until enough of the window has slid past for this call to fit (at least 1). */
  private retryAfter(cost: number, now: number): number {
    const needed = this.used + cost - CAPACITY;
    let freed = 0;
    for (let index = this.head; index < this.admitted.length; index++) {
      freed += this.admitted[index].cost;
      if (freed >= needed) {
        const waitMs = this.admitted[index].atMs + this.settings.windowMs - now;
        return Math.max(1, Math.ceil(waitMs / 1000));
      }
    }
    // The call alone is bigger than the window (a limit below 1 is refused by the control API).
    return Math.max(1, Math.ceil(this.settings.windowMs / 1000));
  }
}
