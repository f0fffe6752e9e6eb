import { RateBudget } from './replay-rate.budget';

describe('RateBudget', () => {
  let now = 0;
  const budget = () => new RateBudget(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('starts with one second of tokens and then refills at the rate', () => {
    const rate = budget();
    expect(rate.take('job', 10, 100)).toBe(10);
    expect(rate.take('job', 10, 100)).toBe(0);
    now += 500;
    expect(rate.take('job', 10, 100)).toBe(5);
    now += 10_000;
    expect(rate.take('job', 10, 100)).toBe(10);
  });

  it('never hands out more than rate × (seconds + 1) over a span, however often it is asked', () => {
    const rate = budget();
    let taken = 0;
    for (let step = 0; step < 1_000; step += 1) {
      now += 7;
      taken += rate.take('job', 20, 3);
    }
    expect(taken).toBeLessThanOrEqual(20 * (7 + 1));
    expect(taken).toBeGreaterThanOrEqual(20 * 7 - 1);
  });

  it('caps a batch at max and keeps the rest for later', () => {
    const rate = budget();
    expect(rate.take('job', 100, 30)).toBe(30);
    expect(rate.take('job', 100, 1_000)).toBe(70);
  });

  it('takes back unspent tokens and keeps jobs apart', () => {
    const rate = budget();
    expect(rate.take('a', 5, 5)).toBe(5);
    rate.giveBack('a', 2);
    expect(rate.take('a', 5, 5)).toBe(2);
    expect(rate.take('b', 5, 5)).toBe(5);
  });

  it('says how long until the next token', () => {
    const rate = budget();
    rate.take('job', 4, 4);
    expect(rate.waitMs('job', 4)).toBe(250);
    now += 100;
    expect(rate.waitMs('job', 4)).toBe(150);
    rate.forget('job');
    expect(rate.waitMs('job', 4)).toBe(0);
  });
});
