import { RateLimitedError } from '../http/admin.errors';
import { BUSY_RETRY_AFTER_MS, WorkspaceCheckLimiter } from './workspace-check.limiter';

describe('WorkspaceCheckLimiter', () => {
  let now: number;
  const limiter = (budget = { perMinute: 10, burst: 3, concurrency: 2 }) =>
    new WorkspaceCheckLimiter(budget, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  function refusal(action: () => unknown): RateLimitedError {
    try {
      action();
    } catch (error) {
      if (error instanceof RateLimitedError) return error;
      throw error;
    }
    throw new Error('expected a RateLimitedError');
  }

  it('allows the burst, then refuses with the time until the next token', () => {
    const sut = limiter();
    for (let i = 0; i < 3; i += 1) sut.acquire('ws-1')();
    const refused = refusal(() => sut.acquire('ws-1'));
    expect(refused.code).toBe('RATE_LIMITED');
    // 10 per minute: one token every 6 s.
    expect(refused.retryAfterMs).toBe(6_000);
    now += 4_000;
    expect(refusal(() => sut.acquire('ws-1')).retryAfterMs).toBe(2_000);
    now += 2_000;
    expect(() => sut.acquire('ws-1')()).not.toThrow();
    expect(() => sut.acquire('ws-1')).toThrow(RateLimitedError);
  });

  it('refills to the burst, never beyond', () => {
    const sut = limiter();
    for (let i = 0; i < 3; i += 1) sut.acquire('ws-1')();
    now += 3_600_000;
    for (let i = 0; i < 3; i += 1) sut.acquire('ws-1')();
    expect(() => sut.acquire('ws-1')).toThrow(RateLimitedError);
  });

  it('keeps workspaces apart', () => {
    const sut = limiter();
    for (let i = 0; i < 3; i += 1) sut.acquire('ws-1')();
    expect(() => sut.acquire('ws-1')).toThrow(RateLimitedError);
    expect(() => sut.acquire('ws-2')()).not.toThrow();
  });

  it('caps concurrent checks per workspace; a refusal for concurrency costs no token', () => {
    const sut = limiter({ perMinute: 10, burst: 5, concurrency: 2 });
    const first = sut.acquire('ws-1');
    const second = sut.acquire('ws-1');
    const busy = refusal(() => sut.acquire('ws-1'));
    expect(busy.retryAfterMs).toBe(BUSY_RETRY_AFTER_MS);
    expect(busy.message).toMatch(/at most 2 at a time/);
    first();
    first(); // releasing twice frees one slot only
    const third = sut.acquire('ws-1');
    expect(() => sut.acquire('ws-1')).toThrow(/at most 2/);
    second();
    third();
    // 5 - 3 taken: two left, the busy refusals took none.
    sut.acquire('ws-1')();
    sut.acquire('ws-1')();
    expect(refusal(() => sut.acquire('ws-1')).message).toMatch(/per minute/);
  });

  it('run() releases the slot whether the check succeeds or throws, and never runs a refused check', async () => {
    const sut = limiter({ perMinute: 60, burst: 2, concurrency: 1 });
    await expect(sut.run('ws-1', () => Promise.resolve('done'))).resolves.toBe('done');
    await expect(sut.run('ws-1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const check = jest.fn(() => Promise.resolve('ran'));
    await expect(sut.run('ws-1', check)).rejects.toThrow(RateLimitedError);
    expect(check).not.toHaveBeenCalled();
  });

  it('holds the slot while a check runs', async () => {
    const sut = limiter({ perMinute: 60, burst: 5, concurrency: 1 });
    let finish: () => void = () => undefined;
    const running = sut.run('ws-1', () => new Promise<void>((resolve) => (finish = resolve)));
    await expect(sut.run('ws-1', () => Promise.resolve())).rejects.toThrow(RateLimitedError);
    finish();
    await running;
    await expect(sut.run('ws-1', () => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('forgets idle workspaces whose bucket is full again', () => {
    const sut = limiter({ perMinute: 60, burst: 1, concurrency: 1 });
    for (let i = 0; i < 1_001; i += 1) sut.acquire(`ws-${i}`)();
    expect(sut.trackedWorkspaces).toBe(1_001);
    now += 60_000;
    sut.acquire('ws-new')();
    expect(sut.trackedWorkspaces).toBe(1);
  });
});
