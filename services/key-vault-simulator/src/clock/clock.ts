/** Milliseconds since the epoch. Everything time-dependent takes a clock so tests never sleep. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The simulator's clock: real time plus an offset the control API can move forward, so a test can
 * expire tokens or empty a throttle window at once. It never moves backwards on its own.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
