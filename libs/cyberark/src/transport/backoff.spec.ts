import { computeRetryDelay } from './backoff';

describe('computeRetryDelay', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per retry, between half and all of the exponential delay', () => {
    expect(computeRetryDelay(1, policy, undefined, () => 0)).toBe(50);
    expect(computeRetryDelay(1, policy, undefined, () => 0.999999)).toBe(100);
    expect(computeRetryDelay(2, policy, undefined, () => 0)).toBe(100);
    expect(computeRetryDelay(3, policy, undefined, () => 0)).toBe(200);
  });

  it('caps the exponential part', () => {
    expect(computeRetryDelay(20, policy, undefined, () => 0.999999)).toBe(1_000);
  });

  it('never waits less than Retry-After', () => {
    expect(computeRetryDelay(1, policy, 5_000, () => 0.5)).toBe(5_000);
    expect(computeRetryDelay(3, policy, 10, () => 0)).toBe(200);
  });

  it('spreads delays with the random source', () => {
    const delays = new Set(Array.from({ length: 50 }, () => computeRetryDelay(4, policy, undefined)));
    expect(delays.size).toBeGreaterThan(5);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});
