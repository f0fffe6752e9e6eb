import { AZURE_CLOUDS, parseVaultHost, vaultHostName } from './azure-clouds';

describe('vault host names', () => {
  it.each([
    ['cmk-vault.vault.azure.net', 'cmk-vault', 'public'],
    ['CMK-Vault.Vault.Azure.Net', 'cmk-vault', 'public'],
    ['cmk-vault.vault.azure.net:443', 'cmk-vault', 'public'],
    ['cmk-vault.vault.azure.net.', 'cmk-vault', 'public'],
    ['cmk-vault.vault.azure.cn', 'cmk-vault', 'china'],
    ['cmk-vault.vault.usgovcloudapi.net:8443', 'cmk-vault', 'us-government'],
  ])('%s names vault %s of the %s cloud', (host, name, cloud) => {
    expect(parseVaultHost(host)).toEqual({ name, cloud: expect.objectContaining({ name: cloud }) });
  });

  it.each([
    '127.0.0.1:4443',
    'localhost',
    '[::1]:443',
    'vault.azure.net',
    'a.b.vault.azure.net',
    'ab.vault.azure.net',
    '1vault.vault.azure.net',
    'vault-.vault.azure.net',
    'kv.managedhsm.azure.net',
    'kv.vault.azure.net.evil.example',
    'kvvault.azure.net',
  ])('%s names no vault', (host) => {
    expect(parseVaultHost(host)).toBeUndefined();
  });

  it('writes the canonical host in lower case', () => {
    expect(vaultHostName('CMK-Vault', AZURE_CLOUDS.china)).toBe('cmk-vault.vault.azure.cn');
  });
});
