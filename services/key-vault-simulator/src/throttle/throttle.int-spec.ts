import { randomBytes } from 'node:crypto';
import { type App, type Harness, type VaultAddress, startHarness } from '../../test/simulator-harness';

describe('the built-in per-vault throttle (weighted, sliding 10 s window)', () => {
  let harness: Harness;
  let app: App;
  let vault: VaultAddress;

  const throttle = (body: Record<string, unknown>) =>
    harness.control('PATCH', `/vaults/${vault.name}/throttle`, body);
  const rawGet = async (key: string, token: string) =>
    harness.https('GET', `${vault.directUrl}/keys/${key}?api-version=7.5`, { token });

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    app = await harness.newApp();
    vault = await harness.newVault(app, 'Key Vault Crypto Service Encryption User');
    await harness.control('POST', `/vaults/${vault.name}/keys`, { name: 'small' });
  });
  afterEach(async () => {
    await harness.control('DELETE', '/clock');
    await harness.control('PATCH', '/switches', { throttleRetryAfter: true });
  });

  it('starts with the documented limits', async () => {
    expect(await harness.control('GET', `/vaults/${vault.name}`)).toMatchObject({
      throttle: {
        enabled: true,
        windowMs: 10_000,
        limits: { rsa2048Software: 4000, rsa2048Hsm: 2000, rsa4096Software: 500, rsa4096Hsm: 250 },
      },
    });
  });

  it('answers 429 Throttled over the limit; 429s do not count; the window slides with the simulator clock', async () => {
    await harness.control('PATCH', '/switches', { throttleRetryAfter: false });
    await throttle({ limits: { rsa2048Software: 2 } });
    const keys = harness.keyClient(vault.directUrl, harness.credential(app));
    await keys.getKey('small');
    await keys.getKey('small');
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await keys.getKey('small').catch((error: unknown) => error)).toMatchObject({
        statusCode: 429,
        code: 'Throttled',
      });
    }
    await harness.control('POST', '/clock', { advanceMs: 10_000 });
    await expect(keys.getKey('small')).resolves.toMatchObject({ name: 'small' });
    expect(
      (await harness.control<{ vaults: Record<string, Record<string, number>> }>('GET', '/counters')).vaults[
        vault.name
      ],
    ).toMatchObject({ getKey: 6, throttled: 3 });
  });

  it('tells how long to wait in Retry-After, which the SDK honours', async () => {
    await throttle({ limits: { rsa2048Software: 1 }, windowMs: 1_000 });
    const token = await harness.token(app);
    expect((await rawGet('small', token)).status).toBe(200);
    const refused = await rawGet('small', token);
    expect(refused).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    const keys = harness.keyClient(vault.directUrl, harness.credential(app));
    const started = Date.now();
    await expect(keys.getKey('small')).resolves.toMatchObject({ name: 'small' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('weighs calls by key kind and enforces the sum: two RSA-4096 HSM calls fill a window of 2', async () => {
    await harness.control('PATCH', '/switches', { throttleRetryAfter: false });
    await harness.control('POST', `/vaults/${vault.name}/keys`, { name: 'big', kty: 'RSA-HSM', size: 4096 });
    await throttle({ limits: { rsa4096Hsm: 2, rsa2048Software: 16 } });
    const token = await harness.token(app);
    expect((await rawGet('big', token)).status).toBe(200);
    for (let call = 0; call < 8; call++) expect((await rawGet('small', token)).status).toBe(200);
    expect((await rawGet('big', token)).status).toBe(429);
    const refused = await rawGet('small', token);
    expect(refused).toMatchObject({ status: 429, json: { error: { code: 'Throttled' } } });
    expect(refused.headers['retry-after']).toBeUndefined();
  });

  it('throttles wrap and unwrap too, and can be switched off', async () => {
    await throttle({ limits: { rsa2048Software: 1 } });
    const credential = harness.credential(app);
    const keys = harness.keyClient(vault.directUrl, credential, { maxRetries: 0 });
    const key = await keys.getKey('small');
    const crypto = harness.cryptoClient(key.id!, credential, { maxRetries: 0 });
    expect(
      await crypto.wrapKey('RSA-OAEP-256', randomBytes(32)).catch((error: unknown) => error),
    ).toMatchObject({
      statusCode: 429,
    });
    await throttle({ enabled: false });
    await expect(crypto.wrapKey('RSA-OAEP-256', randomBytes(32))).resolves.toBeDefined();
  });
});
