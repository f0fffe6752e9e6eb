import { CyberArkInvalidRequestError } from '../cyberark.errors';
import { mergeClientOptions, resolveClientOptions } from './cyberark-client.options';

describe('client options', () => {
  it('fills documented defaults', () => {
    const options = resolveClientOptions();
    expect(options).toMatchObject({
      timeoutMs: 10_000,
      pageSize: 1000,
      searchMatchesNames: false,
      retry: { retries: 3, maxRetryTimeMs: 30_000 },
      breaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 10 },
      token: { maxSkewMs: 60_000, skewRatio: 0.1, fallbackLifetimeMs: 300_000 },
    });
  });

  it.each([
    { pageSize: 1001 },
    { timeoutMs: 0 },
    { retry: { retries: -1 } },
    { breaker: { errorThresholdPercentage: 0 } },
  ])('refuses %p', (options) => {
    expect(() => resolveClientOptions(options)).toThrow(CyberArkInvalidRequestError);
  });

  it('merges overrides one level deep', () => {
    const merged = mergeClientOptions({ retry: { retries: 5, baseDelayMs: 1 } }, { retry: { retries: 0 } });
    expect(merged.retry).toEqual({ retries: 0, baseDelayMs: 1 });
  });
});
