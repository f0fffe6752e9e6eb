import { performance } from 'node:perf_hooks';
import { Secret } from '@vault-backup/config';
import { CyberArkAuthError, CyberArkUnavailableError } from '../cyberark.errors';
import { CyberArkClient } from '../client/cyberark.client';
import { FakePrivilegeCloud } from '../test/fake-privilege-cloud.server';
import { FAST, RecordingObserver, connectionTo, expectRejection } from '../test/client-harness';

describe('platform token (integration, loopback fake)', () => {
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

  it('makes exactly one token request for 50 concurrent calls on a cold cache', async () => {
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, observer });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => client!.getSafe('Backup')));
    const elapsedMs = performance.now() - started;
    process.stdout.write(`[measure] 50 concurrent calls, cold token cache: ${elapsedMs.toFixed(1)} ms\n`);
    expect(results).toHaveLength(50);
    expect(fake.tokenRequests).toBe(1);
    expect(observer.tokens).toEqual(['issued']);
    expect(fake.apiRequests(/\/Safes\//).length).toBe(50);
  });

  it('sends client credentials form-encoded and uses the token as a Bearer', async () => {
    client = new CyberArkClient(connectionTo(fake), FAST);
    await client.getSafe('Backup');
    const [tokenRequest] = fake.apiRequests(/oauth2\/platformtoken$/, 'POST');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'svc@cyberark.cloud.1312',
      client_secret: 'fake-client-secret-value',
    });
    expect(fake.apiRequests(/\/Safes\//)[0]?.headers.authorization).toMatch(/^Bearer tok-/);
  });

  it('reuses the token until shortly before expires_in, then fetches a new one', async () => {
    fake.tokenLifetimeSeconds = 1;
    client = new CyberArkClient(connectionTo(fake), FAST);
    await client.getSafe('Backup');
    await client.getSafe('Backup');
    expect(fake.tokenRequests).toBe(1);
    // lifetime 1 s, skew min(60 s, 10 %) = 100 ms: refreshed from 900 ms on
    await new Promise((resolve) => setTimeout(resolve, 950));
    await client.getSafe('Backup');
    expect(fake.tokenRequests).toBe(2);
  });

  it('on a 401 drops the token, refreshes once and repeats the call once', async () => {
    client = new CyberArkClient(connectionTo(fake), FAST);
    await client.getSafe('Backup');
    fake.revokeAllTokens();
    await Promise.all(Array.from({ length: 10 }, () => client!.getSafe('Backup')));
    expect(fake.tokenRequests).toBe(2);
    expect(fake.apiRequests(/\/Safes\//).length).toBe(1 + 10 + 10);
  });

  it('a 401 with a fresh token is an auth error, after exactly one refresh', async () => {
    client = new CyberArkClient(connectionTo(fake), FAST);
    fake.intercept((request) => (request.path.includes('/Safes/') ? { status: 401, body: '' } : undefined));
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkAuthError);
    expect((error as CyberArkAuthError).message).toMatch(/freshly issued token/);
    expect(fake.tokenRequests).toBe(2);
    expect(fake.apiRequests(/\/Safes\//).length).toBe(2);
  });

  it('classifies bad credentials as auth, without the secret in the error', async () => {
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake, { clientSecret: new Secret('wrong-secret-value') }), {
      ...FAST,
      observer,
    });
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkAuthError);
    expect((error as CyberArkAuthError).cyberArkCode).toBe('invalid_client');
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain('wrong-secret-value');
    expect(observer.tokens).toEqual(['auth']);
    expect(fake.tokenRequests).toBe(1);
  });

  it('explains unauthorized_client', async () => {
    fake.intercept((request) =>
      request.path.endsWith('platformtoken')
        ? { status: 400, body: { error: 'unauthorized_client' } }
        : undefined,
    );
    client = new CyberArkClient(connectionTo(fake), FAST);
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkAuthError);
    expect((error as Error).message).toMatch(/OAuth confidential client/);
  });

  it('treats a token endpoint 5xx as unavailable after bounded retries', async () => {
    fake.intercept((request) =>
      request.path.endsWith('platformtoken') ? { status: 503, body: '<html>down</html>' } : undefined,
    );
    client = new CyberArkClient(connectionTo(fake), FAST);
    const error = await expectRejection(client.getSafe('Backup'));
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
    // the first attempt and three retries, then the error
    expect(fake.apiRequests(/platformtoken$/).length).toBe(4);
  });

  it('warns and assumes 300 s when the token has no lifetime at all', async () => {
    fake.tokenLifetimeSeconds = undefined;
    const observer = new RecordingObserver();
    client = new CyberArkClient(connectionTo(fake), { ...FAST, observer });
    await client.getSafe('Backup');
    await client.getSafe('Backup');
    expect(fake.tokenRequests).toBe(1);
    expect(observer.warnings).toEqual([expect.stringMatching(/assuming it lives 300 s/)]);
  });
});
