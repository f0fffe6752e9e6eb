import { randomBytes } from 'node:crypto';
import { type CryptographyClientOptions, CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { agentPolicy } from '@azure/core-rest-pipeline';
import { toKeyVaultError } from '../errors/key-vault-error.mapper';
import { parseTrustedKeyId } from '../key-id/key-id';
import { FakeVaultHttpClient, StaticCredential, VERSION, reply } from '../test/fake-vault.http-client';
import { KeyVaultUrlPolicy } from '../vault-url/key-vault-url.policy';
import { remoteOnlyKey, vaultClientOptions } from './sdk-clients';
import { VaultNetwork } from './vault-network';

/**
 * The reference behaviours of `@azure/keyvault-keys` 4.10, confirmed against the real SDK pipelines
 * (an in-memory vault behind the `HttpClient` seam), next to how our client options change them.
 */
const policy = new KeyVaultUrlPolicy();
const vault = policy.resolve('acme');

function setup(fake = new FakeVaultHttpClient()) {
  const network = new VaultNetwork({ urlPolicy: policy, vault, requestTimeoutMs: 1_234, now: Date.now });
  const ours = (): CryptographyClientOptions => ({
    ...vaultClientOptions(vault, policy.allowsInsecureLoopback, network.vaultPolicies()),
    httpClient: fake,
  });
  const keyId = parseTrustedKeyId(`${vault.url}/keys/backup/${VERSION}`, vault, 'backup');
  return { fake, network, ours, keyId, credential: new StaticCredential() };
}

describe('SDK behaviour with an expired key', () => {
  it('the SDK default (client from a key id) fetches the key and refuses unwrap locally, sending nothing', async () => {
    const { fake, credential } = setup();
    fake.key.exp = Math.floor(Date.now() / 1000) - 3_600;
    const sdkDefault = new CryptographyClient(fake.kid, credential, {
      httpClient: fake,
      retryOptions: { maxRetries: 0 },
    });
    await expect(sdkDefault.unwrapKey('RSA-OAEP-256', fake.wrapLocally(randomBytes(32)))).rejects.toThrow(
      /expired at/,
    );
    expect(fake.operations()).toEqual([`GET /keys/backup/${VERSION}`]);
  });

  it('our remote-only client never fetches the key and unwraps an expired key remotely', async () => {
    const { fake, ours, keyId, credential } = setup();
    fake.key.exp = Math.floor(Date.now() / 1000) - 3_600;
    const cek = randomBytes(32);
    const client = new CryptographyClient(remoteOnlyKey(keyId, vault), credential, ours());
    const result = await client.unwrapKey('RSA-OAEP-256', fake.wrapLocally(cek));
    expect(Buffer.from(result.result).equals(cek)).toBe(true);
    expect(fake.operations()).toEqual([`POST /keys/backup/${keyId.version}/unwrapkey`]);
  });

  it('a not-yet-valid key unwraps remotely too', async () => {
    const { fake, ours, keyId, credential } = setup();
    fake.key.nbf = Math.floor(Date.now() / 1000) + 3_600;
    const cek = randomBytes(32);
    const client = new CryptographyClient(remoteOnlyKey(keyId, vault), credential, ours());
    await expect(client.unwrapKey('RSA-OAEP-256', fake.wrapLocally(cek))).resolves.toMatchObject({
      result: cek,
    });
  });
});

describe('SDK behaviour with a key disabled after it was fetched', () => {
  it('our remote-only client asks the vault, which refuses (KeyDisabled with innererror recorded)', async () => {
    const { fake, ours, keyId, credential, network } = setup();
    const client = new CryptographyClient(remoteOnlyKey(keyId, vault), credential, ours());
    await client.wrapKey('RSA-OAEP-256', randomBytes(32));
    fake.key.enabled = false;
    const error = await client.wrapKey('RSA-OAEP-256', randomBytes(32)).catch((caught: unknown) => caught);
    expect(toKeyVaultError(error, { operation: 'wrap-key', errorBodies: network.errorBodies })).toMatchObject(
      {
        problem: 'key-disabled',
        evidence: 'vault-code',
        vaultCode: 'Forbidden/KeyDisabled',
      },
    );
  });

  it('the SDK default wraps RSA-OAEP (SHA-1) locally with the fetched public key, sending nothing', async () => {
    const { fake, credential } = setup();
    const sdkDefault = new CryptographyClient(fake.kid, credential, {
      httpClient: fake,
      retryOptions: { maxRetries: 0 },
    });
    await sdkDefault.wrapKey('RSA-OAEP', randomBytes(32));
    fake.key.enabled = false;
    const before = fake.sent.length;
    await expect(sdkDefault.wrapKey('RSA-OAEP', randomBytes(32))).resolves.toBeDefined();
    expect(fake.sent.length).toBe(before);
  });
});

describe('SDK behaviour when throttled', () => {
  const throttle =
    (headers: Record<string, string>) => (request: Parameters<FakeVaultHttpClient['sendRequest']>[0]) =>
      request.method === 'GET'
        ? reply(request, 429, { error: { code: 'Throttled', message: 'Too many requests' } }, headers)
        : undefined;

  it('with default retry options the SDK sits out Retry-After and retries (4 attempts)', async () => {
    const { fake, credential } = setup();
    fake.script(...Array.from({ length: 4 }, () => throttle({ 'retry-after': '0' })));
    const client = new KeyClient(fake.vaultUrl, credential, { httpClient: fake });
    await expect(client.getKey('backup')).rejects.toMatchObject({ statusCode: 429 });
    expect(fake.operations()).toHaveLength(4);
  });

  it('without Retry-After the SDK default does not retry at all', async () => {
    const { fake, credential } = setup();
    fake.script(throttle({}), throttle({}));
    const client = new KeyClient(fake.vaultUrl, credential, { httpClient: fake });
    await expect(client.getKey('backup')).rejects.toMatchObject({ statusCode: 429 });
    expect(fake.operations()).toHaveLength(1);
  });

  it('with our options a 429 surfaces at once with its Retry-After', async () => {
    const { fake, ours, credential } = setup();
    fake.script(throttle({ 'retry-after': '17' }));
    const client = new KeyClient(fake.vaultUrl, credential, ours());
    const error = await client.getKey('backup').catch((caught: unknown) => caught);
    expect(fake.operations()).toHaveLength(1);
    expect(toKeyVaultError(error, { operation: 'get-key' })).toMatchObject({
      problem: 'throttled',
      retryAfterMs: 17_000,
    });
  });
});

describe('the network policies', () => {
  const saved = process.env.HTTPS_PROXY;
  afterEach(() => {
    if (saved === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = saved;
  });

  it('agentPolicy alone loses to an HTTPS_PROXY from the environment; our guard pins the agent', async () => {
    process.env.HTTPS_PROXY = 'http://proxy.invalid:3128';
    const { fake, network, ours, credential } = setup();
    const onlyAgentPolicy = new KeyClient(fake.vaultUrl, credential, {
      httpClient: fake,
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [{ policy: agentPolicy(network.agent), position: 'perCall' }],
    });
    await onlyAgentPolicy.getKey('backup');
    expect(fake.sent.at(-1)?.agent).not.toBe(network.agent);

    await new KeyClient(fake.vaultUrl, credential, ours()).getKey('backup');
    expect(fake.sent.at(-1)?.agent).toBe(network.agent);
    expect(fake.sent.at(-1)?.timeout).toBe(1_234);
  });

  it('refuses a request for another vault before it is sent', async () => {
    const other = new FakeVaultHttpClient('https://other.vault.azure.net');
    const { network, credential } = setup(other);
    const client = new KeyClient(other.vaultUrl, credential, {
      ...vaultClientOptions(vault, false, network.vaultPolicies()),
      httpClient: other,
    });
    const error = await client.getKey('backup').catch((caught: unknown) => caught);
    expect(toKeyVaultError(error, { operation: 'get-key' }).problem).toBe('url-not-allowed');
    expect(other.sent).toHaveLength(0);
  });

  it('keeps challenge resource verification on for cloud vaults', async () => {
    const china = new FakeVaultHttpClient('https://acme.vault.azure.net', 'backup', 'https://vault.azure.cn');
    const { ours, credential } = setup(china);
    const error = await new KeyClient(china.vaultUrl, credential, ours())
      .getKey('backup')
      .catch((caught: unknown) => caught);
    expect(toKeyVaultError(error, { operation: 'get-key' }).problem).toBe('challenge-mismatch');
    expect(vaultClientOptions(vault, true, []).disableChallengeResourceVerification).toBe(false);
  });

  it('switches verification off only for a loopback vault allowed by the test switch', () => {
    const loopbackPolicy = new KeyVaultUrlPolicy({ allowInsecureLoopback: true });
    const loopback = loopbackPolicy.resolve('https://127.0.0.1:9443');
    expect(vaultClientOptions(loopback, true, []).disableChallengeResourceVerification).toBe(true);
    expect(vaultClientOptions(loopback, false, []).disableChallengeResourceVerification).toBe(false);
  });

  it('records the innererror the SDK drops, by request', async () => {
    const { fake, ours, credential, network } = setup();
    fake.script((request) =>
      reply(request, 403, {
        error: {
          code: 'Forbidden',
          message: 'Caller is not authorized.',
          innererror: { code: 'ForbiddenByRbac' },
        },
      }),
    );
    const error = await new KeyClient(fake.vaultUrl, credential, ours())
      .getKey('backup')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'RestError', code: 'Forbidden', statusCode: 403 });
    expect(network.errorBodies.of(error)).toEqual({
      code: 'Forbidden',
      innerCode: 'ForbiddenByRbac',
      message: 'Caller is not authorized.',
    });
  });
});
