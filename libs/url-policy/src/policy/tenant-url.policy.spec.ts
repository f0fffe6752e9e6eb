import { ConfigurationError } from '@vault-backup/errors';
import { UrlNotAllowedError, type UrlRejectionReason } from '../errors/url-not-allowed.error';
import { type HostResolver, type ResolvedAddress } from '../network/host-resolver';
import { type LookupAnswer } from './tenant-url.policy';
import { TenantUrlPolicy } from './tenant-url.policy';

function rejection(action: () => unknown): UrlRejectionReason | 'accepted' {
  try {
    action();
    return 'accepted';
  } catch (error) {
    if (error instanceof UrlNotAllowedError) return error.reason;
    throw error;
  }
}

const fixedDns =
  (answers: Record<string, readonly ResolvedAddress[]>): HostResolver =>
  (hostname) => {
    const found = answers[hostname];
    return found
      ? Promise.resolve(found)
      : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
  };

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

describe('TenantUrlPolicy.parse (pure rules)', () => {
  const policy = new TenantUrlPolicy();

  it.each([
    'https://abc123.id.cyberark.cloud',
    'https://abc123.id.cyberark.cloud/',
    'https://xyz.privilegecloud.cyberark.cloud:443',
    '  https://ABC123.ID.CYBERARK.CLOUD  ',
  ])('accepts %s', (url) => {
    expect(rejection(() => policy.parse(url))).toBe('accepted');
  });

  it('normalises to a canonical origin without trailing slash', () => {
    expect(policy.normalize(' HTTPS://Abc.Id.CyberArk.Cloud:443/ ')).toBe('https://abc.id.cyberark.cloud');
  });

  it.each<[string, UrlRejectionReason]>([
    ['', 'malformed'],
    ['abc.id.cyberark.cloud', 'malformed'],
    ['https:abc.id.cyberark.cloud', 'malformed'],
    ['https:/abc.id.cyberark.cloud', 'malformed'],
    ['https://abc.id.cyberark.cloud\\@evil.com', 'malformed'],
    ['https://abc.id.cyber ark.cloud', 'malformed'],
    ['ftp://abc.id.cyberark.cloud', 'malformed'],
    ['http://abc.id.cyberark.cloud', 'scheme-not-allowed'],
    ['https://user:pw@abc.id.cyberark.cloud', 'userinfo-not-allowed'],
    ['https://@abc.id.cyberark.cloud', 'userinfo-not-allowed'],
    ['https://abc.id.cyberark.cloud@evil.com', 'userinfo-not-allowed'],
    ['https://169.254.169.254', 'ip-literal-not-allowed'],
    ['https://127.0.0.1', 'ip-literal-not-allowed'],
    ['http://127.0.0.1:18080/t/acme/identity', 'ip-literal-not-allowed'],
    ['https://0x7f.1', 'ip-literal-not-allowed'],
    ['https://2130706433', 'ip-literal-not-allowed'],
    ['https://[::1]', 'ip-literal-not-allowed'],
    ['https://[::ffff:169.254.169.254]', 'ip-literal-not-allowed'],
    ['https://localhost', 'host-not-allowed'],
    ['https://cyberark.cloud.evil.com', 'host-not-allowed'],
    ['https://evilcyberark.cloud', 'host-not-allowed'],
    ['https://abc.id.cyberark.cloud.', 'host-not-allowed'],
    ['https://abc.id.cyberаrk.cloud', 'host-not-allowed'],
    ['https://abc_1.id.cyberark.cloud', 'host-not-allowed'],
    ['https://abc.id.cyberark.cloud:8443', 'port-not-allowed'],
    ['https://abc.id.cyberark.cloud/oauth2/platformtoken', 'path-not-allowed'],
    ['https://abc.id.cyberark.cloud/..', 'path-not-allowed'],
    ['https://abc.id.cyberark.cloud/%2e%2e/', 'path-not-allowed'],
    ['https://abc.id.cyberark.cloud?x=1', 'query-not-allowed'],
    ['https://abc.id.cyberark.cloud/?', 'query-not-allowed'],
    ['https://abc.id.cyberark.cloud#frag', 'fragment-not-allowed'],
    [`https://${'a'.repeat(2_050)}.cyberark.cloud`, 'too-long'],
  ])('%s → %s', (url, reason) => {
    expect(rejection(() => policy.parse(url))).toBe(reason);
  });

  it('never repeats the URL (it may hold a password) in its message', () => {
    try {
      policy.parse('https://admin:hunter2@evil.example');
      throw new Error('accepted');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect(JSON.stringify(error)).not.toContain('hunter2');
    }
  });

  it('matches operator domains at label boundaries and honours extra ports', () => {
    const custom = new TenantUrlPolicy({
      allowedDomains: ['cyberark.cloud', 'Vault.Example.COM'],
      allowedPorts: [443, 8443],
    });
    expect(custom.allowedDomains).toEqual(['cyberark.cloud', 'vault.example.com']);
    expect(rejection(() => custom.parse('https://t1.vault.example.com:8443'))).toBe('accepted');
    expect(rejection(() => custom.parse('https://vault.example.com'))).toBe('accepted');
    expect(rejection(() => custom.parse('https://example.com'))).toBe('host-not-allowed');
    expect(rejection(() => custom.parse('https://xvault.example.com'))).toBe('host-not-allowed');
    expect(rejection(() => custom.parse('https://t1.vault.example.com:9443'))).toBe('port-not-allowed');
  });

  describe('with the insecure loopback switch (demo and tests)', () => {
    const loopback = new TenantUrlPolicy({ allowInsecureLoopback: true });

    it.each([
      'http://127.0.0.1:18080/t/acme/identity',
      'https://127.0.0.1:1/x',
      'http://[::1]:9/t/a/pcloud/',
    ])('accepts %s', (url) => {
      expect(rejection(() => loopback.parse(url))).toBe('accepted');
    });

    it.each<[string, UrlRejectionReason]>([
      ['http://localhost:18080/t/acme/identity', 'host-not-allowed'],
      ['http://169.254.169.254/latest/meta-data', 'ip-literal-not-allowed'],
      ['http://10.0.0.1:8080', 'ip-literal-not-allowed'],
      ['http://127.0.0.1:18080/t/../admin', 'path-not-allowed'],
      ['http://127.0.0.1:18080/t//x', 'path-not-allowed'],
      ['http://127.0.0.1:18080/t/%2e%2e/x', 'path-not-allowed'],
      ['http://u:p@127.0.0.1:18080/t/a', 'userinfo-not-allowed'],
      ['http://abc.id.cyberark.cloud', 'scheme-not-allowed'],
    ])('%s → %s', (url, reason) => {
      expect(rejection(() => loopback.parse(url))).toBe(reason);
    });

    it('keeps the path in the canonical form', () => {
      expect(loopback.normalize('http://127.0.0.1:18080/t/acme/identity/')).toBe(
        'http://127.0.0.1:18080/t/acme/identity',
      );
    });
  });

  it.each([[['']], [['10.0.0.1']], [['*.cyberark.cloud']], [['https://cyberark.cloud']], [[]]])(
    'refuses the operator domain list %j at start-up',
    (domains) => {
      expect(() => new TenantUrlPolicy({ allowedDomains: domains })).toThrow(ConfigurationError);
    },
  );

  it('refuses a port that is not a TCP port', () => {
    expect(() => new TenantUrlPolicy({ allowedPorts: [0] })).toThrow(ConfigurationError);
  });
});

describe('TenantUrlPolicy resolve-then-connect', () => {
  const dns = fixedDns({
    'good.id.cyberark.cloud': [v4('52.1.2.3'), v6('2600:1f18::1')],
    'rebound.id.cyberark.cloud': [v4('52.1.2.3'), v4('10.1.2.3')],
    'metadata.id.cyberark.cloud': [v4('169.254.169.254')],
    'cgnat.id.cyberark.cloud': [v4('100.64.0.7')],
    'ula.id.cyberark.cloud': [v6('fd00::1')],
    'mapped.id.cyberark.cloud': [v6('::ffff:192.168.1.1')],
    'nat64.id.cyberark.cloud': [v6('64:ff9b::a00:1')],
    'multicast.id.cyberark.cloud': [v4('239.1.1.1')],
    'loop.id.cyberark.cloud': [v4('127.0.0.1')],
  });

  function lookup(
    policy: TenantUrlPolicy,
    host: string,
    options: object,
  ): Promise<{ error: Error | null; address?: unknown; family?: number }> {
    return new Promise((resolve) =>
      policy.lookup(host, options, (error, address, family) => resolve({ error, address, family })),
    );
  }

  it('answers with every checked address when all are public', async () => {
    const policy = new TenantUrlPolicy({ resolver: dns });
    const all = await lookup(policy, 'good.id.cyberark.cloud', { all: true });
    expect(all.error).toBeNull();
    expect(all.address as LookupAnswer[]).toEqual([
      { address: '52.1.2.3', family: 4 },
      { address: '2600:1f18::1', family: 6 },
    ]);
    const one = await lookup(policy, 'good.id.cyberark.cloud', { family: 6 });
    expect(one).toEqual({ error: null, address: '2600:1f18::1', family: 6 });
  });

  it.each([
    'rebound.id.cyberark.cloud',
    'metadata.id.cyberark.cloud',
    'cgnat.id.cyberark.cloud',
    'ula.id.cyberark.cloud',
    'mapped.id.cyberark.cloud',
    'nat64.id.cyberark.cloud',
    'multicast.id.cyberark.cloud',
    'loop.id.cyberark.cloud',
  ])('refuses %s (an internal address among the answers)', async (host) => {
    const policy = new TenantUrlPolicy({ resolver: dns });
    const result = await lookup(policy, host, { all: true });
    expect(result.error).toBeInstanceOf(UrlNotAllowedError);
    expect((result.error as UrlNotAllowedError).reason).toBe('address-not-allowed');
    await expect(
      policy.beforeRequest({ url: new URL(`https://${host}/PasswordVault/API/Safes`), method: 'GET' }),
    ).rejects.toMatchObject({
      reason: 'address-not-allowed',
    });
  });

  it('lets names resolve to loopback only with the switch on', async () => {
    const policy = new TenantUrlPolicy({ resolver: dns, allowInsecureLoopback: true });
    expect((await lookup(policy, 'loop.id.cyberark.cloud', {})).error).toBeNull();
    expect((await lookup(policy, 'metadata.id.cyberark.cloud', {})).error).toBeInstanceOf(UrlNotAllowedError);
  });

  it('passes resolver failures through untouched (a network error, retriable)', async () => {
    const policy = new TenantUrlPolicy({ resolver: dns });
    const result = await lookup(policy, 'missing.id.cyberark.cloud', { all: true });
    expect(result.error).toMatchObject({ code: 'ENOTFOUND' });
    await expect(
      policy.assertResolvesSafely(new URL('https://missing.id.cyberark.cloud')),
    ).resolves.toBeUndefined();
  });

  it('checks the origin of every request, whatever its path', async () => {
    const policy = new TenantUrlPolicy({ resolver: dns });
    await expect(
      policy.beforeRequest({
        url: new URL('https://good.id.cyberark.cloud/PasswordVault/API/Accounts?limit=5'),
        method: 'GET',
      }),
    ).resolves.toBeUndefined();
    await expect(
      policy.beforeRequest({ url: new URL('http://good.id.cyberark.cloud/x'), method: 'GET' }),
    ).rejects.toMatchObject({
      reason: 'scheme-not-allowed',
    });
    await expect(
      policy.beforeRequest({ url: new URL('https://evil.example/x'), method: 'GET' }),
    ).rejects.toMatchObject({
      reason: 'host-not-allowed',
    });
  });

  it('trusts a public verdict for a while, then asks DNS again (rebinding)', async () => {
    let now = 0;
    const answers: Record<string, ResolvedAddress[]> = { 'flip.id.cyberark.cloud': [v4('52.1.2.3')] };
    const resolver = jest.fn<Promise<readonly ResolvedAddress[]>, [string]>((host) =>
      Promise.resolve(answers[host] ?? []),
    );
    const policy = new TenantUrlPolicy({ resolver, verdictTtlMs: 1_000, now: () => now });
    const url = new URL('https://flip.id.cyberark.cloud');
    await policy.assertResolvesSafely(url);
    answers['flip.id.cyberark.cloud'] = [v4('10.0.0.9')];
    await policy.assertResolvesSafely(url);
    expect(resolver).toHaveBeenCalledTimes(1);
    now = 1_001;
    await expect(policy.assertResolvesSafely(url)).rejects.toMatchObject({ reason: 'address-not-allowed' });
    // The socket-level lookup never relies on the cache.
    expect((await lookup(policy, 'flip.id.cyberark.cloud', {})).error).toBeInstanceOf(UrlNotAllowedError);
  });
});
