import { readRetryAfterMs } from './retry-after';

function headers(values: Record<string, string>): { get(name: string): string | undefined } {
  return { get: (name) => values[name] };
}

describe('readRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('prefers retry-after-ms, then x-ms-retry-after-ms, then Retry-After', () => {
    expect(readRetryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(readRetryAfterMs(headers({ 'x-ms-retry-after-ms': ' 40 ', 'retry-after': '9' }), now)).toBe(40);
    expect(readRetryAfterMs(headers({ 'retry-after': '9' }), now)).toBe(9_000);
  });

  it('reads an HTTP-date Retry-After relative to now', () => {
    expect(readRetryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
  });

  it('skips unreadable millisecond headers and falls back to Retry-After', () => {
    expect(readRetryAfterMs(headers({ 'retry-after-ms': '1.5', 'retry-after': '2' }), now)).toBe(2_000);
  });

  it('means "not said" without headers or with nothing readable', () => {
    expect(readRetryAfterMs(undefined, now)).toBeUndefined();
    expect(readRetryAfterMs(headers({}), now)).toBeUndefined();
    expect(readRetryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});
