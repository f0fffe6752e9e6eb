import { isKeyVaultHost } from './key-vault-front-door.agent';

describe('isKeyVaultHost', () => {
  it.each([
    'cmk-vault.vault.azure.net',
    'CMK.Vault.Azure.Net',
    'kv.vault.azure.cn',
    'kv.vault.usgovcloudapi.net',
  ])('%s is dialled at the front door', (host) => expect(isKeyVaultHost(host)).toBe(true));

  it.each([
    '127.0.0.1',
    'localhost',
    'vault.azure.net',
    'a.b.vault.azure.net',
    'kv.vault.azure.net.evil.example',
  ])('%s is dialled as asked', (host) => expect(isKeyVaultHost(host)).toBe(false));
});
