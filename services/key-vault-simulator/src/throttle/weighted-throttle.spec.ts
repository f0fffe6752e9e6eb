import { limitNameFor } from './throttle-limits';
import { WeightedThrottle } from './weighted-throttle';

describe('WeightedThrottle', () => {
  let now: number;
  const clock = { now: () => now };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('admits exactly the documented number of calls of one kind per 10 s window', () => {
    const throttle = new WeightedThrottle(clock);
    for (let call = 0; call < 250; call++)
      expect(throttle.tryAdmit('rsa4096Hsm')).toEqual({ admitted: true });
    expect(throttle.tryAdmit('rsa4096Hsm')).toMatchObject({ admitted: false });
  });

  it('enforces the weighted sum: 124 RSA-4096 HSM calls leave room for 16 RSA-2048 HSM calls', () => {
    const throttle = new WeightedThrottle(clock);
    for (let call = 0; call < 248; call++) throttle.tryAdmit('rsa4096Hsm');
    for (let call = 0; call < 16; call++) expect(throttle.tryAdmit('rsa2048Hsm').admitted).toBe(true);
    expect(throttle.tryAdmit('rsa2048Hsm').admitted).toBe(false);
  });

  it('slides: calls leave the window 10 s after they were admitted', () => {
    const throttle = new WeightedThrottle(clock);
    throttle.configure({ limits: { rsa2048Software: 2 } });
    throttle.tryAdmit('rsa2048Software');
    now += 4_000;
    throttle.tryAdmit('rsa2048Software');
    expect(throttle.tryAdmit('rsa2048Software')).toEqual({ admitted: false, retryAfterSeconds: 6 });
    now += 6_000;
    expect(throttle.tryAdmit('rsa2048Software').admitted).toBe(true);
    expect(throttle.tryAdmit('rsa2048Software').admitted).toBe(false);
  });

  it('does not count refused calls against the limit', () => {
    const throttle = new WeightedThrottle(clock);
    throttle.configure({ limits: { ecSoftware: 1 } });
    throttle.tryAdmit('ecSoftware');
    for (let call = 0; call < 100; call++) throttle.tryAdmit('ecSoftware');
    now += 10_000;
    expect(throttle.tryAdmit('ecSoftware').admitted).toBe(true);
  });

  it('says how long until enough capacity frees, rounding up to whole seconds', () => {
    const throttle = new WeightedThrottle(clock);
    throttle.configure({ limits: { rsa2048Software: 3, rsa4096Software: 1 } });
    throttle.tryAdmit('rsa2048Software');
    now += 2_500;
    throttle.tryAdmit('rsa2048Software');
    // A 4096 call needs the whole window: both earlier calls must leave, the second at +12.5 s.
    expect(throttle.tryAdmit('rsa4096Software')).toEqual({ admitted: false, retryAfterSeconds: 10 });
  });

  it('can be switched off and reset', () => {
    const throttle = new WeightedThrottle(clock);
    throttle.configure({ limits: { rsa2048Software: 1 } });
    throttle.tryAdmit('rsa2048Software');
    throttle.configure({ enabled: false });
    expect(throttle.tryAdmit('rsa2048Software').admitted).toBe(true);
    throttle.configure({ enabled: true });
    throttle.reset();
    expect(throttle.usage()).toBe(0);
    expect(throttle.tryAdmit('rsa2048Software').admitted).toBe(true);
  });
});

describe('limitNameFor', () => {
  it('weighs calls by key type, size and protection', () => {
    expect(limitNameFor({ kty: 'RSA', size: 4096 })).toBe('rsa4096Software');
    expect(limitNameFor({ kty: 'RSA-HSM', size: 4096 })).toBe('rsa4096Hsm');
    expect(limitNameFor({ kty: 'RSA-HSM', size: 3072 })).toBe('rsa3072Hsm');
    expect(limitNameFor({ kty: 'RSA', size: 2048 })).toBe('rsa2048Software');
    expect(limitNameFor({ kty: 'EC-HSM' })).toBe('ecHsm');
    expect(limitNameFor(undefined)).toBe('rsa2048Software');
  });
});
