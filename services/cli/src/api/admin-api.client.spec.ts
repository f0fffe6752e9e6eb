import { fakeRuntime, type FakeRuntime } from '../../test/support/fake-runtime';
import { FakeAdminApi, problem } from '../../test/support/fake-admin-api';
import { AdminApiClient } from './admin-api.client';
import { ApiProblemError, ApiUnreachableError } from './admin-api.errors';

describe('AdminApiClient', () => {
  let api: FakeAdminApi;
  let runtime: FakeRuntime;

  beforeEach(async () => {
    api = await FakeAdminApi.start();
    runtime = fakeRuntime();
  });

  afterEach(async () => {
    runtime.cleanUp();
    await api.close();
  });

  const client = (baseUrl = api.url) => new AdminApiClient({ baseUrl, token: 'tkn', runtime, maxRetries: 2 });

  it('sends the bearer token and the query, skipping undefined values', async () => {
    api.on('GET', '/api/v1/x', { body: { ok: true } });
    await expect(client().get('api/v1/x', { limit: 5, code: undefined })).resolves.toEqual({ ok: true });
    expect(api.requests[0]).toMatchObject({ query: { limit: '5' }, authorization: 'Bearer tkn' });
  });

  it('keeps a path prefix of the base URL', async () => {
    api.on('GET', '/prefix/api/v1/x', { body: {} });
    await client(`${api.url}/prefix`).get('api/v1/x');
    expect(api.requests[0].path).toBe('/prefix/api/v1/x');
  });

  it('retries 429 and 503 after their Retry-After, then answers', async () => {
    const limited = problem(429, 'RATE_LIMITED', 'Rate limited', 'too many checks', { retryAfterSeconds: 7 });
    const down = { ...problem(503, 'AUTH_UNAVAILABLE', 'Unavailable', 'JWKS unreachable'), headers: {} };
    api.on('POST', '/api/v1/x', limited, down, { body: { done: 1 } });
    await expect(client().post('api/v1/x', { a: 1 })).resolves.toEqual({ done: 1 });
    expect(runtime.sleeps).toEqual([7_000, 1_000]);
    expect(api.requests.map((request) => request.body)).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
  });

  it('gives up after a bounded number of retries with the problem', async () => {
    api.on(
      'GET',
      '/api/v1/x',
      problem(429, 'RATE_LIMITED', 'Rate limited', 'too many checks', { retryAfterSeconds: 1 }),
    );
    const error = await client()
      .get('api/v1/x')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect((error as Error).message).toBe('Rate limited: too many checks\n  retry after 1 s');
    expect(api.requests).toHaveLength(3);
  });

  it('caps a huge Retry-After', async () => {
    api.on(
      'GET',
      '/api/v1/x',
      { ...problem(503, 'X', 'Unavailable', 'later'), headers: { 'retry-after': '86400' } },
      { body: {} },
    );
    await client().get('api/v1/x');
    expect(runtime.sleeps).toEqual([30_000]);
  });

  it('turns a 401 into its problem with a hint to log in, and a non-JSON error into its status', async () => {
    api.on('GET', '/api/v1/a', problem(401, 'UNAUTHENTICATED', 'Unauthorized', 'token expired'));
    await expect(client().get('api/v1/a')).rejects.toThrow(
      'Unauthorized: token expired\n  run `vault-backup login`',
    );
    api.on('GET', '/api/v1/b', { status: 502, body: '<html>' });
    await expect(client().get('api/v1/b')).rejects.toMatchObject({ status: 502 });
  });

  it('reports an unreachable API with its address', async () => {
    await api.close();
    const error = await client()
      .get('api/v1/x')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toMatch(
      /^cannot reach the admin API at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
    );
    api = await FakeAdminApi.start();
  });
});
