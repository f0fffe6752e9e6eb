import { CyberArkSafeNotFoundError, CyberArkUnavailableError } from '../cyberark.errors';
import { CyberArkClientFactory } from '../client/cyberark-client.factory';
import { type CyberArkClient } from '../client/cyberark.client';
import { FakePrivilegeCloud } from '../test/fake-privilege-cloud.server';
import { RecordingObserver, connectionTo, expectRejection } from '../test/client-harness';

const RESET_MS = 300;

describe('per-tenant circuit breaker (integration, two loopback tenants)', () => {
  let tenantA: FakePrivilegeCloud;
  let tenantB: FakePrivilegeCloud;
  let factory: CyberArkClientFactory;
  let observer: RecordingObserver;
  let a: CyberArkClient;
  let b: CyberArkClient;
  let aFails: 'no' | '503' | '404' | 'slow-ok';

  beforeEach(async () => {
    [tenantA, tenantB] = await Promise.all([FakePrivilegeCloud.start(), FakePrivilegeCloud.start()]);
    aFails = 'no';
    tenantA.intercept((request) => {
      if (!request.path.includes('/Safes/')) return undefined;
      if (aFails === '503') return { status: 503 };
      if (aFails === '404')
        return { status: 404, body: { ErrorCode: 'SFWS0007', ErrorMessage: 'no such safe' } };
      if (aFails === 'slow-ok') return { ...tenantA.defaultReply(request), delayMs: 100 };
      return undefined;
    });
    observer = new RecordingObserver();
    factory = new CyberArkClientFactory({
      retry: { retries: 0 },
      breaker: {
        volumeThreshold: 4,
        errorThresholdPercentage: 50,
        resetTimeoutMs: RESET_MS,
        rollingWindowMs: 10_000,
      },
      observer,
    });
    a = factory.forTenant(connectionTo(tenantA));
    b = factory.forTenant(connectionTo(tenantB));
    await Promise.all([a.getSafe('Backup'), b.getSafe('Backup')]);
  });

  afterEach(async () => {
    factory.disposeAll();
    await Promise.all([tenantA.close(), tenantB.close()]);
  });

  async function openA(): Promise<number> {
    aFails = '503';
    let calls = 0;
    while (a.getBreakerState() === 'closed' && calls < 20) {
      calls += 1;
      await expectRejection(a.getSafe('Backup'));
    }
    return calls;
  }

  it('opens for tenant A after transient failures while tenant B keeps working', async () => {
    const calls = await openA();
    expect(a.getBreakerState()).toBe('open');
    expect(calls).toBeLessThanOrEqual(6);

    const before = tenantA.requests.length;
    const error = await expectRejection(a.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
    expect((error as CyberArkUnavailableError).reason).toBe('circuit-open');
    expect((error as CyberArkUnavailableError).retriable).toBe(true);
    expect(tenantA.requests.length).toBe(before);

    await expect(b.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup' });
    expect(b.getBreakerState()).toBe('closed');
  });

  it('half-opens after resetTimeout and closes again on a successful trial', async () => {
    await openA();
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    expect(a.getBreakerState()).toBe('halfOpen');
    aFails = 'no';
    await expect(a.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup' });
    expect(a.getBreakerState()).toBe('closed');
    expect(observer.states).toEqual(['open', 'halfOpen', 'closed']);
  });

  it('lets exactly one trial through while half-open and fails the rest fast', async () => {
    await openA();
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    aFails = 'slow-ok';
    const before = tenantA.apiRequests(/\/Safes\//).length;
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => a.getSafe('Backup')));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as CyberArkUnavailableError] : [],
    );
    expect(refused.map((error) => error.reason)).toEqual([
      'circuit-open',
      'circuit-open',
      'circuit-open',
      'circuit-open',
    ]);
    expect(tenantA.apiRequests(/\/Safes\//).length - before).toBe(1);
  });

  it('opens again when the half-open trial fails', async () => {
    await openA();
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    await expectRejection(a.getSafe('Backup'));
    expect(a.getBreakerState()).toBe('open');
  });

  it('is never opened by 4xx answers', async () => {
    aFails = '404';
    for (let call = 0; call < 20; call += 1) {
      expect(await expectRejection(a.getSafe('Backup'))).toBeInstanceOf(CyberArkSafeNotFoundError);
    }
    expect(a.getBreakerState()).toBe('closed');
    expect(observer.states).toEqual([]);
  });

  it('keeps one client, and so one breaker, per tenant key', () => {
    expect(factory.forTenant(connectionTo(tenantA))).toBe(a);
    expect(factory.size).toBe(2);
    expect(factory.evict(connectionTo(tenantA))).toBe(true);
    expect(factory.forTenant(connectionTo(tenantA))).not.toBe(a);
  });
});
