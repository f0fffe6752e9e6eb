import { isRestError } from '@azure/core-rest-pipeline';
import { AuthenticationRequiredError } from '@azure/identity';
import {
  type App,
  FAST_RETRIES,
  type Harness,
  type VaultAddress,
  startHarness,
} from '../../test/simulator-harness';

const SCOPE = 'https://vault.azure.net/.default';

interface LogEntry {
  operation: string;
  status: number;
  fault?: string;
}

const settlesWithin = <T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> =>
  Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);

describe('fault injection, as the real SDK experiences it', () => {
  let harness: Harness;
  let app: App;
  let vault: VaultAddress;

  const vaultFault = (spec: Record<string, unknown>) =>
    harness.control('POST', `/vaults/${vault.name}/faults`, spec);
  const entraFault = (spec: Record<string, unknown>) => harness.control('POST', '/entra/faults', spec);
  const counters = async () =>
    harness.control<{ entra: Record<string, number>; vaults: Record<string, Record<string, number>> }>(
      'GET',
      '/counters',
    );
  const vaultLog = async () =>
    (await harness.control<{ entries: LogEntry[] }>('GET', `/requests?target=${vault.name}`)).entries;
  /** A KeyClient whose token is already cached, so only the operation under test reaches the vault. */
  const warmClient = async (retryOptions = FAST_RETRIES) => {
    const client = harness.keyClient(
      vault.directUrl,
      harness.credential(app, { retryOptions: FAST_RETRIES }),
      retryOptions,
    );
    await client.getKey('cmk');
    await harness.control('DELETE', '/counters');
    await harness.control('DELETE', '/requests');
    return client;
  };

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    app = await harness.newApp();
    vault = await harness.newVault(app, 'Key Vault Crypto User');
    await harness.control('POST', `/vaults/${vault.name}/keys`, { name: 'cmk' });
  });
  afterEach(async () => {
    await harness.control('DELETE', '/entra/faults');
    await harness.control('POST', '/held-requests/drop');
  });

  describe('vault faults', () => {
    it('throttle with Retry-After: the SDK waits and retries, and succeeds once the fault is spent', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'throttle', retryAfterSeconds: 0, operation: 'getKey', count: 2 });
      await expect(client.getKey('cmk')).resolves.toMatchObject({ name: 'cmk' });
      expect((await counters()).vaults[vault.name]).toMatchObject({ getKey: 3, throttled: 2 });
      expect((await vaultLog()).map((entry) => `${entry.status} ${entry.fault ?? ''}`)).toEqual([
        '429 throttle',
        '429 throttle',
        '200 ',
      ]);
    });

    it('throttle with Retry-After past the retry budget: RestError 429 after 1 + 3 attempts', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'throttle', retryAfterSeconds: 0, operation: 'getKey' });
      const failure = await client.getKey('cmk').catch((error: unknown) => error);
      expect(isRestError(failure) && failure.statusCode).toBe(429);
      expect((await counters()).vaults[vault.name]).toMatchObject({ getKey: 4, throttled: 4 });
    });

    it('throttle without Retry-After (as captured from the real service): RestError 429 Throttled, no retry at all', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'throttle', operation: 'getKey', count: 5 });
      const failure = await client.getKey('cmk').catch((error: unknown) => error);
      expect(failure).toMatchObject({ statusCode: 429, code: 'Throttled' });
      expect((await counters()).vaults[vault.name]).toMatchObject({ getKey: 1, throttled: 1 });
    });

    it('a 5xx is retried with backoff; a persistent one ends as RestError with that status', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'error', status: 503, operation: 'getKey', count: 2 });
      await expect(client.getKey('cmk')).resolves.toMatchObject({ name: 'cmk' });
      await vaultFault({ type: 'error', status: 500, operation: 'getKey' });
      expect(await client.getKey('cmk').catch((error: unknown) => error)).toMatchObject({
        statusCode: 500,
        code: 'InternalServerError',
      });
    });

    it('limits a fault to its operation', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'error', status: 502, operation: 'unwrapKey' });
      await expect(client.getKey('cmk')).resolves.toMatchObject({ name: 'cmk' });
    });

    it('hang: the request never gets an answer, so the client’s own deadline ends it (AbortError)', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'hang', operation: 'getKey', count: 1 });
      const started = Date.now();
      const failure = await client
        .getKey('cmk', { abortSignal: AbortSignal.timeout(250) })
        .catch((error: unknown) => error);
      expect((failure as Error).name).toBe('AbortError');
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await vaultLog()).toEqual([
        expect.objectContaining({ operation: 'getKey', status: 0, fault: 'hang' }),
      ]);
    });

    it('reset: the connection is dropped; without retries the SDK fails with ECONNRESET, with retries it recovers', async () => {
      const once = await warmClient({ maxRetries: 0 });
      await vaultFault({ type: 'reset', operation: 'getKey', count: 1 });
      expect(await once.getKey('cmk').catch((error: unknown) => error)).toMatchObject({ code: 'ECONNRESET' });
      const retrying = await warmClient();
      await vaultFault({ type: 'reset', operation: 'getKey', count: 1 });
      await expect(retrying.getKey('cmk')).resolves.toMatchObject({ name: 'cmk' });
    });

    it('delay: the answer comes, late', async () => {
      const client = await warmClient();
      await vaultFault({ type: 'delay', delayMs: 200, operation: 'getKey', count: 1 });
      const started = Date.now();
      await client.getKey('cmk');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('lists, counts and removes faults', async () => {
      const fault = await harness.control<{ id: string }>('POST', `/vaults/${vault.name}/faults`, {
        type: 'error',
        status: 503,
        operation: 'wrapKey',
        count: 3,
      });
      expect(await harness.control('GET', `/vaults/${vault.name}/faults`)).toEqual([
        {
          id: fault.id,
          spec: { type: 'error', status: 503, operation: 'wrapKey', count: 3 },
          hits: 0,
          remaining: 3,
        },
      ]);
      await harness.control('DELETE', `/vaults/${vault.name}/faults/${fault.id}`);
      expect(await harness.control('GET', `/vaults/${vault.name}/faults`)).toEqual([]);
    });
  });

  describe('Entra ID faults', () => {
    it('delay: a slow token endpoint slows getToken by that much', async () => {
      await entraFault({ type: 'delay', delayMs: 300, operation: 'token', count: 1 });
      const started = Date.now();
      await harness.credential(app).getToken(SCOPE);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('a 503 from the token endpoint is retried by the credential’s pipeline; a persistent 500 fails with AADSTS90033', async () => {
      await entraFault({ type: 'error', status: 503, operation: 'token', count: 1 });
      await expect(
        harness.credential(app, { retryOptions: FAST_RETRIES }).getToken(SCOPE),
      ).resolves.toBeDefined();
      await entraFault({ type: 'error', status: 500, operation: 'token' });
      const failure = await harness
        .credential(app, { retryOptions: FAST_RETRIES })
        .getToken(SCOPE)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthenticationRequiredError);
      expect((failure as Error).message).toMatch(/temporarily_unavailable[\s\S]*90033/);
      expect((await counters()).entra.token).toBeGreaterThanOrEqual(1 + 1 + 4);
    });

    it('a 429 without Retry-After fails the credential at once; with Retry-After it is retried', async () => {
      await entraFault({ type: 'throttle', operation: 'token', count: 1 });
      expect(
        await harness
          .credential(app)
          .getToken(SCOPE)
          .catch((error: unknown) => error),
      ).toBeInstanceOf(AuthenticationRequiredError);
      await entraFault({ type: 'throttle', retryAfterSeconds: 0, operation: 'token', count: 1 });
      await expect(harness.credential(app).getToken(SCOPE)).resolves.toBeDefined();
    });

    it('hang: @azure/identity 4.13 ignores abortSignal on the token request; getToken waits until the connection drops', async () => {
      await entraFault({ type: 'hang', operation: 'token', count: 1 });
      const pending = harness
        .credential(app, { retryOptions: FAST_RETRIES })
        .getToken(SCOPE, { abortSignal: AbortSignal.timeout(100) });
      expect(await settlesWithin(pending, 600)).toBe('pending');
      expect(await harness.control('POST', '/held-requests/drop')).toEqual({ dropped: 1 });
      // The drop reads as ECONNRESET, which the credential's pipeline retries: the second try gets a token.
      await expect(pending).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('reset on the token endpoint is retried by the credential’s pipeline', async () => {
      await entraFault({ type: 'reset', operation: 'token', count: 1 });
      await expect(
        harness.credential(app, { retryOptions: FAST_RETRIES }).getToken(SCOPE),
      ).resolves.toBeDefined();
    });

    it('refuses a vault operation name for an Entra fault with a clear 400', async () => {
      const answer = await harness.controlRaw('POST', '/entra/faults', { type: 'hang', operation: 'getKey' });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.json)).toContain('operation');
    });
  });
});
