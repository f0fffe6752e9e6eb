import { LatencyProfile } from './latency-profile';

describe('LatencyProfile', () => {
  it('adds nothing without rules', () => {
    expect(new LatencyProfile().delayMs('accounts')).toBe(0);
  });

  it('adds fixed plus jitter scaled by the random source, from the first matching rule', () => {
    const profile = new LatencyProfile(() => 0.5);
    profile.set([
      { fixedMs: 100, jitterMs: 40, families: ['token'] },
      { fixedMs: 10, jitterMs: 0 },
    ]);
    expect(profile.delayMs('token')).toBe(120);
    expect(profile.delayMs('accounts')).toBe(10);
    profile.clear();
    expect(profile.delayMs('token')).toBe(0);
  });
});
