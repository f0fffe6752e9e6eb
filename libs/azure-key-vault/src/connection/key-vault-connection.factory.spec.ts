import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { KeyVaultError } from '../key-vault.errors';
import { KeyVaultUrlPolicy } from '../vault-url/key-vault-url.policy';
import { KeyVaultConnectionFactory } from './key-vault-connection.factory';
import { type KeyVaultKeyTarget, resolveAdapterOptions } from './key-vault-connection.options';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0c3a5b7e-2f6d-4a8b-9c1d-3e5f7a9b1c2d';

const target = (overrides: Partial<KeyVaultKeyTarget> = {}, secret = 'secret-one'): KeyVaultKeyTarget => ({
  vaultUrl: 'acme',
  keyName: 'backup',
  credential: { kind: 'client-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: new Secret(secret) },
  ...overrides,
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

describe('KeyVaultConnectionFactory', () => {
  let factory: KeyVaultConnectionFactory;
  beforeEach(() => {
    factory = new KeyVaultConnectionFactory();
  });
  afterEach(() => factory.close());

  it('normalises vault URLs with the policy and names the rule it breaks', () => {
    expect(factory.normalizeVaultUrl('acme')).toBe('https://acme.vault.azure.net');
    expect(thrown(() => factory.normalizeVaultUrl('https://evil.example'))).toBeInstanceOf(
      UrlNotAllowedError,
    );
  });

  it('caches one port per target and replaces it when the client secret changes', () => {
    const first = factory.forKey(target());
    expect(factory.forKey(target({ vaultUrl: 'https://ACME.vault.azure.net/' }))).toBe(first);
    const rotated = factory.forKey(target({}, 'secret-two'));
    expect(rotated).not.toBe(first);
    expect(factory.size).toBe(1);
    expect(factory.forKey(target({ keyName: 'other' }))).not.toBe(rotated);
    expect(factory.size).toBe(2);
    expect(factory.evict(target())).toBe(true);
    expect(factory.evict(target({ vaultUrl: 'https://evil.example' }))).toBe(false);
    expect(factory.size).toBe(1);
  });

  it.each<[string, Partial<KeyVaultKeyTarget>, string]>([
    ['a refused URL', { vaultUrl: 'https://169.254.169.254' }, 'url-not-allowed'],
    ['a malformed key name', { keyName: 'back/up' }, 'key-not-found'],
    [
      'a malformed tenant id',
      {
        credential: {
          kind: 'client-secret',
          tenantId: 'x/../y',
          clientId: CLIENT,
          clientSecret: new Secret('s'),
        },
      },
      'authentication-failed',
    ],
    [
      'a malformed client id',
      {
        credential: {
          kind: 'client-secret',
          tenantId: TENANT,
          clientId: 'not-a-guid',
          clientSecret: new Secret('s'),
        },
      },
      'authentication-failed',
    ],
  ])('refuses %s with a KeyVaultError before any request', (_why, overrides, problem) => {
    const error = thrown(() => factory.forKey(target(overrides)));
    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error).toMatchObject({ problem });
  });

  it('refuses a loopback vault without an authority override (it would silently use the public cloud)', () => {
    const loopback = new KeyVaultConnectionFactory({
      urlPolicy: new KeyVaultUrlPolicy({ allowInsecureLoopback: true }),
    });
    expect(thrown(() => loopback.forKey(target({ vaultUrl: 'https://127.0.0.1:9443' })))).toMatchObject({
      problem: 'configuration-invalid',
    });
    loopback.close();
  });

  it('reports a workload identity that is not set up as credential-unavailable', () => {
    const saved = { ...process.env };
    delete process.env.AZURE_FEDERATED_TOKEN_FILE;
    delete process.env.AZURE_CLIENT_ID;
    try {
      const error = thrown(() =>
        factory.forKey(target({ credential: { kind: 'workload-identity', tenantId: TENANT } })),
      );
      expect(error).toMatchObject({ problem: 'credential-unavailable', errorClass: 'key-vault-unavailable' });
    } finally {
      process.env = saved;
    }
  });

  describe('validate, for targets refused before any request', () => {
    it('a refused URL fails vault-url and skips everything else', async () => {
      const report = await factory.validate(target({ vaultUrl: 'https://acme.vault.azure.net.evil.com' }));
      expect(report.outcome).toBe('failed');
      expect(report.checks[0]).toMatchObject({
        name: 'vault-url',
        status: 'failed',
        problem: 'url-not-allowed',
      });
      expect(report.checks[0]?.fix).toContain('Vault URI');
      expect(report.checks.slice(1).every((check) => check.status === 'skipped')).toBe(true);
      expect(factory.size).toBe(0);
    });

    it('a malformed tenant id fails authentication after an accepted URL', async () => {
      const report = await factory.validate(
        target({
          credential: {
            kind: 'client-secret',
            tenantId: 'nope nope',
            clientId: CLIENT,
            clientSecret: new Secret('s'),
          },
        }),
      );
      expect(report.checks.slice(0, 3).map((check) => `${check.name}:${check.status}`)).toEqual([
        'vault-url:passed',
        'authentication:failed',
        'vault-reachable:skipped',
      ]);
    });
  });
});

describe('resolveAdapterOptions', () => {
  it('has defaults', () => {
    expect(resolveAdapterOptions()).toMatchObject({
      requestTimeoutMs: 10_000,
      operationTimeoutMs: 30_000,
      maxConnections: 1_000,
      maxKeyVersionsPerConnection: 8,
    });
  });

  it('keeps an authority override as a bare https origin', () => {
    expect(resolveAdapterOptions({ authorityHost: 'https://127.0.0.1:8443/' }).authorityHost).toBe(
      'https://127.0.0.1:8443',
    );
  });

  it.each([
    [{ authorityHost: 'http://login.example' }],
    [{ authorityHost: 'https://login.example/tenant' }],
    [{ authorityHost: 'not a url' }],
    [{ requestTimeoutMs: 0 }],
    [{ operationTimeoutMs: 1.5 }],
    [{ extraCaPem: 'not a pem' }],
  ])('refuses %j at boot', (options) => {
    expect(() => resolveAdapterOptions(options)).toThrow(ConfigurationError);
  });
});
