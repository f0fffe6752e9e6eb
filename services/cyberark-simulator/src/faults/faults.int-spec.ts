import { request } from 'node:http';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  TENANT,
  expectOk,
  newAccount,
  postForm,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';

interface LogEntry {
  seq: number;
  method: string;
  status: number;
  family: string;
  durationMs: number;
  faults?: string[];
}

describe('fault and latency injection (HTTP)', () => {
  let harness: Harness;
  let token: string;
  const addFault = (spec: Record<string, unknown>) =>
    expectOk(harness.control('POST', `/tenants/${TENANT}/faults`, spec));
  const listAccounts = () => harness.api('GET', '/Accounts', { token });
  const requests = async (since = 0) =>
    (await expectOk(harness.control('GET', `/requests?since=${since}`))).json as {
      entries: LogEntry[];
      cursor: number;
    };
  const tokenUrl = () => `${harness.baseUrl}/t/${TENANT}/identity/oauth2/platformtoken`;
  /** The error code a node:http client reports, or `answered <status>`. */
  const failureCode = (method: string, path: string, body: string) =>
    new Promise<string>((resolve) => {
      const req = request(
        `${harness.baseUrl}/t/${TENANT}/pcloud/PasswordVault/API${path}`,
        { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          resolve(`answered ${response.statusCode ?? 0}`);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end(body);
    });
  const tokenForm = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  }).toString();

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
    token = await harness.token();
  });

  it('fails the next N requests with the chosen 5xx, then recovers', async () => {
    await addFault({ type: 'http-error', status: 502, count: 2 });
    expect((await listAccounts()).status).toBe(502);
    expect((await listAccounts()).status).toBe(502);
    expect((await listAccounts()).status).toBe(200);
  });

  it('can answer a 5xx with an HTML page, like a gateway in front of the API', async () => {
    await addFault({ type: 'http-error', status: 500, body: 'html', count: 1 });
    const answer = await listAccounts();
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.json).toBeUndefined();
  });

  it('fails every request at rate 1 and none at rate 0', async () => {
    await addFault({ type: 'http-error', status: 503, rate: 0 });
    expect((await listAccounts()).status).toBe(200);
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}/faults`));
    await addFault({ type: 'http-error', status: 503, rate: 1 });
    expect((await listAccounts()).status).toBe(503);
    expect((await listAccounts()).status).toBe(503);
  });

  it('answers 429 with Retry-After seconds', async () => {
    await addFault({ type: 'rate-limit', retryAfterSeconds: 3, count: 1 });
    const answer = await listAccounts();
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('3');
  });

  it('limits a fault to endpoint families and methods', async () => {
    await addFault({ type: 'http-error', status: 500, families: ['accounts'], methods: ['post'] });
    expect((await listAccounts()).status).toBe(200);
    expect((await harness.api('GET', '/Platforms', { token })).status).toBe(200);
    expect((await harness.api('POST', '/Accounts', { token, body: newAccount() })).status).toBe(500);
    const faults = (await expectOk(harness.control('GET', `/tenants/${TENANT}/faults`))).json as {
      hits: number;
    }[];
    expect(faults[0]?.hits).toBe(1);
  });

  it('takes the token endpoint down (503) while the API keeps serving', async () => {
    await addFault({ type: 'token-endpoint-down' });
    const answer = await postForm(tokenUrl(), tokenForm);
    expect(answer.status).toBe(503);
    expect((await listAccounts()).status).toBe(200);
  });

  it('serves the token endpoint late with a timeout fault scoped to the token family', async () => {
    await addFault({ type: 'timeout', answerAfterMs: 300, families: ['token'] });
    let started = Date.now();
    expect((await postForm(tokenUrl(), tokenForm)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    expect((await listAccounts()).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(150);
    const impatient = fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenForm,
      signal: AbortSignal.timeout(100),
    });
    await expect(impatient).rejects.toMatchObject({ name: 'TimeoutError' });
    // The simulator answers 300 ms after the request, to nobody; the log shows it was never delivered.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await requests()).entries.at(-1)).toMatchObject({
      family: 'token',
      status: 0,
      faults: ['timeout'],
    });
  });

  it('resets the connection: HTTP clients see ECONNRESET and the request is not processed', async () => {
    await addFault({ type: 'connection-reset', families: ['accounts'], methods: ['POST'], count: 2 });
    const { cursor } = await requests();
    const body = JSON.stringify(newAccount({ name: 'never-written' }));
    expect(await failureCode('POST', '/Accounts', body)).toBe('ECONNRESET');
    await expect(harness.api('POST', '/Accounts', { token, rawBody: body })).rejects.toMatchObject({
      cause: { code: 'ECONNRESET' },
    });
    expect((await expectOk(harness.control('GET', `/tenants/${TENANT}/accounts`))).json).toEqual([]);
    const entries = (await requests(cursor)).entries;
    expect(entries).toEqual([
      expect.objectContaining({ method: 'POST', status: 0, faults: ['connection-reset'] }),
      expect.objectContaining({ method: 'POST', status: 0, faults: ['connection-reset'] }),
    ]);
    expect((await harness.api('POST', '/Accounts', { token, rawBody: body })).status).toBe(201);
  });

  it('throttles above N requests per second with 429 + Retry-After', async () => {
    await addFault({ type: 'throttle', requestsPerSecond: 3, retryAfterSeconds: 2 });
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await listAccounts()).status));
    const limited = statuses.filter((status) => status === 429).length;
    // All ten land within one or two windows: at most 6 pass.
    expect(limited).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
  });

  it('holds a request without answering until the client gives up, and logs it with status 0', async () => {
    await addFault({ type: 'timeout', count: 1 });
    const { cursor } = await requests();
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        `${harness.baseUrl}/t/${TENANT}/pcloud/PasswordVault/API/Accounts`,
        { headers: { authorization: `Bearer ${token}` } },
        () => resolve('answered'),
      );
      req.setTimeout(300, () => {
        req.destroy();
        resolve('timed out');
      });
      req.on('error', () => undefined);
      req.end();
    });
    expect(outcome).toBe('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const entries = (await requests(cursor)).entries;
    expect(entries).toEqual([expect.objectContaining({ status: 0, faults: ['timeout'] })]);
    expect((await listAccounts()).status).toBe(200);
  });

  it('answers late with answerAfterMs', async () => {
    await addFault({ type: 'timeout', answerAfterMs: 200, count: 1 });
    const started = Date.now();
    expect((await listAccounts()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('commits a write before delaying its answer (delay-after-write)', async () => {
    await addFault({ type: 'delay-after-write', delayMs: 600, count: 1 });
    const pending = harness.api('POST', '/Accounts', { token, body: newAccount({ name: 'written-early' }) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const storedEarly = (await expectOk(harness.control('GET', `/tenants/${TENANT}/accounts`))).json as {
      name: string;
    }[];
    expect(storedEarly.map((account) => account.name)).toEqual(['written-early']);
    const answer = await pending;
    expect(answer.status).toBe(201);
    const last = (await requests()).entries.at(-1);
    expect(last).toMatchObject({ method: 'POST', status: 201, faults: ['delay-after-write'] });
    expect(last?.durationMs).toBeGreaterThanOrEqual(550);
  });

  it('adds latency per endpoint family', async () => {
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/latency`, {
        rules: [{ fixedMs: 150, jitterMs: 20, families: ['platforms'] }],
      }),
    );
    let started = Date.now();
    await expectOk(harness.api('GET', '/Platforms', { token }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    started = Date.now();
    await expectOk(listAccounts());
    expect(Date.now() - started).toBeLessThan(100);
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}/latency`));
    started = Date.now();
    await expectOk(harness.api('GET', '/Platforms', { token }));
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('removes one fault by id, or all of them', async () => {
    const fault = (await addFault({ type: 'http-error', status: 500 })).json as { id: string };
    await addFault({ type: 'rate-limit', retryAfterSeconds: 1 });
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}/faults/${fault.id}`));
    expect((await listAccounts()).status).toBe(429);
    await expectOk(harness.control('DELETE', `/tenants/${TENANT}/faults`));
    expect((await listAccounts()).status).toBe(200);
    expect((await harness.control('DELETE', `/tenants/${TENANT}/faults/${fault.id}`)).status).toBe(404);
  });

  it('faults fire before authentication, like a gateway', async () => {
    await addFault({ type: 'http-error', status: 503, count: 1 });
    expect((await harness.api('GET', '/Accounts', { token: 'garbage' })).status).toBe(503);
    expect((await harness.api('GET', '/Accounts', { token: 'garbage' })).status).toBe(401);
  });
});
