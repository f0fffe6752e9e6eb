import { performance } from 'node:perf_hooks';
import { Secret } from '@vault-backup/config';
import { AppError } from '@vault-backup/errors';
import {
  CyberArkRedirectRefusedError,
  CyberArkThrottledError,
  CyberArkUnavailableError,
} from '../cyberark.errors';
import { CyberArkClient } from '../client/cyberark.client';
import { type LookupFunction } from './transport.options';
import { FakePrivilegeCloud } from '../test/fake-privilege-cloud.server';
import { FAST, RecordingObserver, connectionTo, expectRejection } from '../test/client-harness';

const onSafes = (path: string): boolean => path.includes('/Safes/');

class HostNotAllowedError extends AppError {
  readonly code = 'HOST_NOT_ALLOWED';
  readonly retriable = false;
}

describe('HTTP transport (integration, loopback fake)', () => {
  let fake: FakePrivilegeCloud;
  let client: CyberArkClient | undefined;

  beforeEach(async () => {
    fake = await FakePrivilegeCloud.start();
  });

  afterEach(async () => {
    client?.dispose();
    client = undefined;
    await fake.close();
  });

  function failFirst(count: number, reply: Parameters<FakePrivilegeCloud['intercept']>[0]): void {
    let failures = 0;
    fake.intercept((request) => {
      if (!onSafes(request.path) || failures >= count) return undefined;
      failures += 1;
      return reply(request);
    });
  }

  it('honours Retry-After in seconds on a 429, then succeeds', async () => {
    failFirst(1, () => ({ status: 429, headers: { 'Retry-After': '1' } }));
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, observer });
    await client.getSafe('Backup');
    const [first, second] = fake.apiRequests(/\/Safes\//);
    const waitedMs = second.receivedAt - first.receivedAt;
    process.stdout.write(`[measure] Retry-After: 1 -> waited ${waitedMs.toFixed(0)} ms before the retry\n`);
    expect(waitedMs).toBeGreaterThanOrEqual(990);
    expect(waitedMs).toBeLessThan(1_500);
    expect(observer.retries).toEqual([{ attempt: 2, reason: 429, delayMs: 1_000 }]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    failFirst(1, () => ({
      status: 429,
      headers: { 'Retry-After': new Date(Date.now() + 2_000).toUTCString() },
    }));
    client = new CyberArkClient(connectionTo(fake), FAST);
    const started = performance.now();
    await client.getSafe('Backup');
    // HTTP dates have whole-second precision: anything from 1 s to 2 s is right
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('does not wait out a Retry-After beyond the retry budget: throttled, with the delay', async () => {
    failFirst(1, () => ({ status: 429, headers: { 'Retry-After': '120' } }));
    client = new CyberArkClient(connectionTo(fake), FAST);
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkThrottledError);
    expect((error as CyberArkThrottledError).retryAfterMs).toBe(120_000);
    expect(fake.apiRequests(/\/Safes\//)).toHaveLength(1);
  });

  it('retries a 5xx with backoff and then succeeds', async () => {
    failFirst(2, () => ({ status: 503, body: '<html><title>Service Unavailable</title></html>' }));
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, observer });
    await expect(client.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup' });
    expect(fake.apiRequests(/\/Safes\//)).toHaveLength(3);
    expect(observer.retries.map((retry) => retry.attempt)).toEqual([2, 3]);
    expect(observer.requests.filter((r) => r.route === 'Safes/{safe}').map((r) => r.outcome)).toEqual([
      503, 503, 200,
    ]);
  });

  it('gives up after the configured number of retries', async () => {
    failFirst(100, () => ({ status: 500 }));
    client = new CyberArkClient(connectionTo(fake), { ...FAST, retry: { ...FAST.retry, retries: 2 } });
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
    expect((error as CyberArkUnavailableError).reason).toBe('server-error');
    expect(fake.apiRequests(/\/Safes\//)).toHaveLength(3);
  });

  it('bounds the total time spent retrying', async () => {
    failFirst(100, () => ({ status: 502 }));
    client = new CyberArkClient(connectionTo(fake), {
      retry: { retries: 50, baseDelayMs: 100, maxDelayMs: 100, maxRetryTimeMs: 400 },
      // no jitter: every retry waits exactly 100 ms, so at most 3 retries fit in 400 ms
      random: () => 1,
    });
    const started = performance.now();
    await expectRejection(client.getSafe('Backup'));
    expect(performance.now() - started).toBeLessThan(700);
    expect(fake.apiRequests(/\/Safes\//).length).toBeLessThanOrEqual(4);
  });

  it('times out a slow answer per attempt, and retries the idempotent call', async () => {
    failFirst(1, () => ({ status: 200, delayMs: 400, body: { safeName: 'late' } }));
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, timeoutMs: 100, observer });
    const started = performance.now();
    await expect(client.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup' });
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(100);
    expect(elapsedMs).toBeLessThan(400);
    expect(observer.retries[0]?.reason).toBe('timeout');
  });

  it('reports a timeout as unavailable/timeout when retries are exhausted', async () => {
    failFirst(100, () => ({ status: 200, delayMs: 300 }));
    client = new CyberArkClient(connectionTo(fake), {
      ...FAST,
      timeoutMs: 50,
      retry: { ...FAST.retry, retries: 1 },
    });
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
    expect((error as CyberArkUnavailableError).reason).toBe('timeout');
  });

  it('retries a dropped connection on an idempotent call', async () => {
    failFirst(1, () => ({ status: 0, destroy: true }));
    client = new CyberArkClient(connectionTo(fake), FAST);
    await expect(client.getSafe('Backup')).resolves.toMatchObject({ safeName: 'Backup' });
    expect(fake.apiRequests(/\/Safes\//)).toHaveLength(2);
  });

  it.each([
    ['times out', { status: 200, delayMs: 300, body: {} }],
    ['drops the connection', { status: 0, destroy: true }],
  ])(
    'never resends a write that %s without an answer: it may still land after anything sent next',
    async (_case, reply) => {
      fake.intercept((request) => (request.method === 'PATCH' ? reply : undefined));
      client = new CyberArkClient(connectionTo(fake), { ...FAST, timeoutMs: 50 });
      const error = await expectRejection(
        client.updateAccount('7_1', [{ op: 'replace', path: '/address', value: 'elsewhere.example.com' }]),
      );
      expect(error).toBeInstanceOf(CyberArkUnavailableError);
      expect((error as CyberArkUnavailableError).mayStillLand).toBe(true);
      expect(fake.apiRequests(/\/Accounts\//, 'PATCH')).toHaveLength(1);
    },
  );

  it('never follows a redirect', async () => {
    fake.intercept((request) =>
      onSafes(request.path) ? { status: 302, headers: { Location: `${fake.origin}/elsewhere` } } : undefined,
    );
    client = new CyberArkClient(connectionTo(fake), FAST);
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkRedirectRefusedError);
    expect(fake.apiRequests(/elsewhere/)).toHaveLength(0);
    expect(fake.apiRequests(/\/Safes\//)).toHaveLength(1);
  });

  it('calls beforeRequest with the final URL before every attempt, and lets it refuse', async () => {
    const seen: string[] = [];
    client = new CyberArkClient(connectionTo(fake), {
      ...FAST,
      network: {
        beforeRequest: ({ url, method }) => {
          seen.push(`${method} ${url.pathname}`);
          if (url.pathname.includes('/Platforms')) throw new HostNotAllowedError('host not on the allowlist');
        },
      },
    });
    await client.getSafe('Backup');
    expect(seen).toEqual([
      'POST /t/acme/identity/oauth2/platformtoken',
      'GET /t/acme/pcloud/PasswordVault/API/Safes/Backup',
    ]);
    const error = await expectRejection(client.getPlatform('WinDomain'));
    expect(error).toBeInstanceOf(HostNotAllowedError);
    expect(fake.apiRequests(/Platforms/)).toHaveLength(0);
  });

  it('resolves host names through the lookup seam', async () => {
    const asked: string[] = [];
    // Resolves every name to loopback, the way an allowlisting resolver would pin an address.
    const lookup: LookupFunction = (
      hostname: string,
      _options: object,
      callback: (error: Error | null, address: string, family: 4) => void,
    ) => {
      asked.push(hostname);
      callback(null, '127.0.0.1', 4);
    };
    const port = new URL(fake.origin).port;
    client = new CyberArkClient(
      connectionTo(fake, {
        identityUrl: `http://identity.tenant.test:${port}/t/acme/identity`,
        privilegeCloudUrl: `http://pcloud.tenant.test:${port}/t/acme/pcloud`,
      }),
      { ...FAST, network: { lookup } },
    );
    await client.getSafe('Backup');
    expect(asked).toEqual(expect.arrayContaining(['identity.tenant.test', 'pcloud.tenant.test']));
  });

  it('reports route templates, never ids or names, to the observer', async () => {
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, observer });
    const { account } = await client.addAccount({
      name: 'secret-name-01',
      safeName: 'Backup',
      platformId: 'WinDomain',
      secret: new Secret('pw-observer'),
    });
    await client.getAccount(account.id);
    const routes = observer.requests.map((request) => `${request.method} ${request.route}`);
    expect(routes).toEqual(['POST oauth2/platformtoken', 'POST Accounts', 'GET Accounts/{id}']);
    expect(JSON.stringify(observer)).not.toMatch(/secret-name-01|7_1|pw-observer/);
  });
});
