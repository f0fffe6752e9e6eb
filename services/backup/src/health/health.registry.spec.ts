import { CHECK_DEADLINE_MS, HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers failing once a check does not answer within the deadline, instead of waiting for it', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'kafka', kinds: ['ready'], check: () => new Promise<void>(() => undefined) });
    registry.register({ name: 'postgresql', kinds: ['ready'], check: () => Promise.resolve() });
    const report = registry.probe('ready');
    await jest.advanceTimersByTimeAsync(CHECK_DEADLINE_MS);
    expect(await report).toEqual({
      status: 'failing',
      checks: {
        kafka: {
          status: 'failing',
          reason: expect.stringContaining(`no answer within ${CHECK_DEADLINE_MS} ms`),
        },
        postgresql: { status: 'ok' },
      },
    });
  });

  it('joins a check still running instead of starting it again, and starts afresh once it ended', async () => {
    const registry = new HealthRegistry();
    let calls = 0;
    let finish: () => void = () => undefined;
    registry.register({
      name: 'kafka',
      kinds: ['ready'],
      check: () => {
        calls += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    const first = registry.probe('ready');
    const second = registry.probe('ready');
    await jest.advanceTimersByTimeAsync(CHECK_DEADLINE_MS);
    expect((await first).status).toBe('failing');
    expect((await second).status).toBe('failing');
    expect(calls).toBe(1);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    const third = registry.probe('ready');
    await jest.advanceTimersByTimeAsync(0);
    finish();
    expect(await third).toEqual({ status: 'ok', checks: { kafka: { status: 'ok' } } });
    expect(calls).toBe(2);
  });

  it('reports a check that throws with its reason, and only the checks of the probe asked', async () => {
    const registry = new HealthRegistry();
    registry.register({
      name: 'consumer',
      kinds: ['live', 'ready'],
      check: () => {
        throw new Error('stopped');
      },
    });
    registry.register({ name: 'kafka', kinds: ['ready'], check: () => Promise.resolve() });
    expect(await registry.probe('live')).toEqual({
      status: 'failing',
      checks: { consumer: { status: 'failing', reason: expect.stringContaining('stopped') } },
    });
  });
});
