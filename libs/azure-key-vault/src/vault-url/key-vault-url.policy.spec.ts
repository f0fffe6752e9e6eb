import { ConfigurationError } from '@vault-backup/errors';
import { UrlNotAllowedError, type UrlRejectionReason } from '@vault-backup/url-policy';
import { KeyVaultUrlPolicy } from './key-vault-url.policy';

function rejection(action: () => unknown): UrlRejectionReason | 'accepted' {
  try {
    action();
    return 'accepted';
  } catch (error) {
    if (error instanceof UrlNotAllowedError) return error.reason;
    throw error;
  }
}

describe('KeyVaultUrlPolicy', () => {
  const policy = new KeyVaultUrlPolicy();

  it.each([
    ['acme', 'https://acme.vault.azure.net'],
    ['Acme-Backup-01', 'https://acme-backup-01.vault.azure.net'],
    ['https://acme.vault.azure.net', 'https://acme.vault.azure.net'],
    ['https://acme.vault.azure.net/', 'https://acme.vault.azure.net'],
    ['  HTTPS://ACME.Vault.Azure.NET:443/ ', 'https://acme.vault.azure.net'],
    ['https://acme.vault.azure.cn', 'https://acme.vault.azure.cn'],
    ['https://acme.vault.usgovcloudapi.net', 'https://acme.vault.usgovcloudapi.net'],
  ])('normalises %s to %s', (raw, normalised) => {
    expect(policy.normalize(raw)).toBe(normalised);
  });

  it('names the cloud of each suffix', () => {
    expect(policy.resolve('acme').cloud?.authorityHost).toBe('https://login.microsoftonline.com');
    expect(policy.resolve('https://acme.vault.azure.cn').cloud?.authorityHost).toBe(
      'https://login.chinacloudapi.cn',
    );
    expect(policy.resolve('https://acme.vault.usgovcloudapi.net').cloud?.authorityHost).toBe(
      'https://login.microsoftonline.us',
    );
  });

  it.each<[string, UrlRejectionReason]>([
    ['', 'malformed'],
    ['ac', 'malformed'],
    ['a--b', 'malformed'],
    ['1acme', 'malformed'],
    ['acme.vault.azure.net', 'malformed'],
    ['acme vault', 'malformed'],
    ['http://acme.vault.azure.net', 'scheme-not-allowed'],
    ['https://user:pw@acme.vault.azure.net', 'userinfo-not-allowed'],
    ['https://acme.vault.azure.net/keys/backup', 'path-not-allowed'],
    ['https://acme.vault.azure.net?x=1', 'query-not-allowed'],
    ['https://acme.vault.azure.net#k', 'fragment-not-allowed'],
    ['https://acme.vault.azure.net:8443', 'port-not-allowed'],
    ['https://vault.azure.net', 'host-not-allowed'],
    ['https://a.b.vault.azure.net', 'host-not-allowed'],
    ['https://ac.vault.azure.net', 'host-not-allowed'],
    ['https://acme.vault.azure.net.evil.com', 'host-not-allowed'],
    ['https://acmevault.azure.net', 'host-not-allowed'],
    ['https://acme.vault.microsoftazure.de', 'host-not-allowed'],
    ['https://acme.managedhsm.azure.net', 'host-not-allowed'],
    ['https://169.254.169.254', 'ip-literal-not-allowed'],
    ['https://127.0.0.1:8443', 'ip-literal-not-allowed'],
    ['https://localhost', 'host-not-allowed'],
  ])('%s → %s', (raw, reason) => {
    expect(rejection(() => policy.normalize(raw))).toBe(reason);
  });

  it('never repeats the URL (it may carry a password) in its message', () => {
    try {
      policy.normalize('https://admin:hunter2@evil.example');
      throw new Error('accepted');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('can be limited to some clouds; the first takes bare names', () => {
    const china = new KeyVaultUrlPolicy({ clouds: ['china'] });
    expect(china.normalize('acme')).toBe('https://acme.vault.azure.cn');
    expect(rejection(() => china.normalize('https://acme.vault.azure.net'))).toBe('host-not-allowed');
    expect(() => new KeyVaultUrlPolicy({ clouds: [] })).toThrow(ConfigurationError);
    expect(() => new KeyVaultUrlPolicy({ clouds: ['germany' as never] })).toThrow(ConfigurationError);
  });

  describe('with the loopback test switch', () => {
    const loopback = new KeyVaultUrlPolicy({ allowInsecureLoopback: true });

    it('accepts a loopback https address with a port, without a cloud', () => {
      expect(loopback.resolve('https://127.0.0.1:8443/')).toEqual({
        url: 'https://127.0.0.1:8443',
        hostname: '127.0.0.1',
        loopback: true,
      });
    });

    it.each<[string, UrlRejectionReason]>([
      ['http://127.0.0.1:8443', 'scheme-not-allowed'],
      ['https://127.0.0.1:8443/vaults/a', 'path-not-allowed'],
      ['https://10.0.0.1:8443', 'ip-literal-not-allowed'],
    ])('still refuses %s (%s)', (raw, reason) => {
      expect(rejection(() => loopback.normalize(raw))).toBe(reason);
    });
  });

  describe('assertSameVault', () => {
    const vault = policy.resolve('acme');

    it('lets requests to the vault through, whatever the path', () => {
      expect(() =>
        policy.assertSameVault(
          new URL('https://acme.vault.azure.net/keys/k/v/unwrapkey?api-version=7.6'),
          vault,
        ),
      ).not.toThrow();
    });

    it.each([
      'https://other.vault.azure.net/keys/k',
      'https://evil.example/keys/k',
      'http://acme.vault.azure.net/keys/k',
    ])('refuses %s', (url) => {
      expect(() => policy.assertSameVault(new URL(url), vault)).toThrow(UrlNotAllowedError);
    });
  });
});
