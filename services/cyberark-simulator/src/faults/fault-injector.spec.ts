import { FaultInjector } from './fault-injector';

const NOW = 1_000_000;

describe('FaultInjector', () => {
  it('does nothing without faults', () => {
    expect(new FaultInjector().plan('accounts', 'GET', NOW)).toEqual({ fired: [] });
  });

  it('fires a counted fault exactly N times, then forgets it', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'http-error', status: 502, count: 2 });
    expect(injector.plan('accounts', 'GET', NOW).reply?.status).toBe(502);
    expect(injector.plan('accounts', 'GET', NOW).reply?.status).toBe(502);
    expect(injector.plan('accounts', 'GET', NOW).reply).toBeUndefined();
    expect(injector.list()).toHaveLength(0);
  });

  it('fires by rate using the random source', () => {
    const draws = [0.1, 0.9];
    const injector = new FaultInjector(() => draws.shift() ?? 1);
    injector.add({ type: 'rate-limit', retryAfterSeconds: 7, rate: 0.5 });
    const hit = injector.plan('accounts', 'POST', NOW);
    expect(hit.reply).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect(injector.plan('accounts', 'POST', NOW).reply).toBeUndefined();
  });

  it('limits faults to families and methods', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'http-error', status: 500, families: ['accounts'], methods: ['PATCH'] });
    expect(injector.plan('accounts', 'GET', NOW).reply).toBeUndefined();
    expect(injector.plan('token', 'PATCH', NOW).reply).toBeUndefined();
    expect(injector.plan('accounts', 'PATCH', NOW).reply?.status).toBe(500);
  });

  it('renders JSON, HTML or empty 5xx bodies', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'http-error', status: 500, body: 'html', count: 1 });
    injector.add({ type: 'http-error', status: 504, body: 'empty', count: 1 });
    expect(injector.plan('accounts', 'GET', NOW).reply?.headers['content-type']).toContain('text/html');
    expect(injector.plan('accounts', 'GET', NOW).reply).toEqual({ status: 504, headers: {} });
  });

  it('takes the token endpoint down and nothing else', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'token-endpoint-down' });
    expect(injector.plan('accounts', 'POST', NOW).reply).toBeUndefined();
    expect(injector.plan('token', 'POST', NOW).reply?.status).toBe(503);
  });

  it('holds or delays requests for timeout faults', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'timeout', count: 1 });
    injector.add({ type: 'timeout', answerAfterMs: 250, count: 1 });
    expect(injector.plan('accounts', 'GET', NOW)).toEqual({ hang: true, fired: ['timeout'] });
    expect(injector.plan('accounts', 'GET', NOW)).toEqual({ delayBeforeMs: 250, fired: ['timeout'] });
  });

  it('resets the connection instead of answering, and no later fault fires on that request', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'connection-reset', families: ['accounts'], count: 1 });
    injector.add({ type: 'http-error', status: 500, count: 1 });
    expect(injector.plan('token', 'POST', NOW).reset).toBeUndefined();
    expect(injector.list()).toHaveLength(1);
    expect(injector.plan('accounts', 'PATCH', NOW)).toEqual({ reset: true, fired: ['connection-reset'] });
    expect(injector.list()).toHaveLength(0);
  });

  it('delays the answer after a write only for write methods by default, combined with a normal answer', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'delay-after-write', delayMs: 300 });
    expect(injector.plan('accounts', 'GET', NOW).delayAfterMs).toBeUndefined();
    expect(injector.plan('accounts', 'POST', NOW)).toEqual({
      delayAfterMs: 300,
      fired: ['delay-after-write'],
    });
  });

  it('throttles above N requests per second with 429 and Retry-After, per one-second window', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'throttle', requestsPerSecond: 2, retryAfterSeconds: 1 });
    expect(injector.plan('accounts', 'GET', NOW).reply).toBeUndefined();
    expect(injector.plan('accounts', 'GET', NOW + 10).reply).toBeUndefined();
    expect(injector.plan('accounts', 'GET', NOW + 20).reply).toMatchObject({
      status: 429,
      headers: { 'retry-after': '1' },
    });
    expect(injector.plan('accounts', 'GET', NOW + 1000).reply).toBeUndefined();
  });

  it('lets the first answering fault win, in the order faults were added', () => {
    const injector = new FaultInjector();
    injector.add({ type: 'http-error', status: 500, count: 1 });
    injector.add({ type: 'rate-limit', retryAfterSeconds: 1, count: 1 });
    expect(injector.plan('accounts', 'GET', NOW).reply?.status).toBe(500);
    expect(injector.list().map((fault) => fault.spec.type)).toEqual(['rate-limit']);
  });

  it('removes one fault by id and clears all', () => {
    const injector = new FaultInjector();
    const first = injector.add({ type: 'http-error', status: 500 });
    injector.add({ type: 'http-error', status: 503 });
    expect(injector.remove(first.id)).toBe(true);
    expect(injector.remove(first.id)).toBe(false);
    expect(injector.plan('accounts', 'GET', NOW).reply?.status).toBe(503);
    injector.clear();
    expect(injector.plan('accounts', 'GET', NOW).reply).toBeUndefined();
  });
});
