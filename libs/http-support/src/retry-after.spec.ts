import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 3 ', 3_000],
    ['1.5', 1_500],
  ])('reads delay-seconds %p as %p ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
  });

  it('reads a date in the past as 0', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-5', '1e3', '10s'])('reads %p as unknown', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });

  it('takes the first value of a repeated header', () => {
    expect(parseRetryAfter(['2', '9'], now)).toBe(2_000);
  });
});
