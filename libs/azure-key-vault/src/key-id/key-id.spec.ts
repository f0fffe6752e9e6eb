import { KeyVaultError } from '../key-vault.errors';
import { KeyVaultUrlPolicy } from '../vault-url/key-vault-url.policy';
import { keyIdPrefix, parseTrustedKeyId } from './key-id';

const VERSION = '0123456789abcdef0123456789ABCDEF';
const vault = new KeyVaultUrlPolicy().resolve('acme');
const loopback = new KeyVaultUrlPolicy({ allowInsecureLoopback: true }).resolve('https://127.0.0.1:9443');

describe('parseTrustedKeyId', () => {
  it('accepts a versioned id under the configured vault and key (name case-insensitive)', () => {
    expect(parseTrustedKeyId(`https://acme.vault.azure.net/keys/Backup/${VERSION}`, vault, 'backup')).toEqual(
      {
        kid: `https://acme.vault.azure.net/keys/Backup/${VERSION}`,
        name: 'Backup',
        version: VERSION,
      },
    );
    expect(
      parseTrustedKeyId(`https://127.0.0.1:9443/keys/backup/${VERSION}`, loopback, 'backup').version,
    ).toBe(VERSION);
  });

  it.each([
    ['another vault', `https://other.vault.azure.net/keys/backup/${VERSION}`],
    ['another key of the vault', `https://acme.vault.azure.net/keys/other/${VERSION}`],
    ['no version', 'https://acme.vault.azure.net/keys/backup'],
    ['a short version', 'https://acme.vault.azure.net/keys/backup/0123'],
    ['a secret, not a key', `https://acme.vault.azure.net/secrets/backup/${VERSION}`],
    ['http', `http://acme.vault.azure.net/keys/backup/${VERSION}`],
    ['userinfo', `https://x@acme.vault.azure.net/keys/backup/${VERSION}`],
    ['a port on a cloud vault', `https://acme.vault.azure.net:443/keys/backup/${VERSION}`],
    ['dot segments', `https://acme.vault.azure.net/keys/x/../backup/${VERSION}`],
    ['an encoded name', `https://acme.vault.azure.net/keys/back%75p/${VERSION}`],
    ['a query', `https://acme.vault.azure.net/keys/backup/${VERSION}?api-version=1`],
    ['a trailing slash', `https://acme.vault.azure.net/keys/backup/${VERSION}/`],
    ['another loopback port', `https://127.0.0.1:9444/keys/backup/${VERSION}`],
    ['not a string', 42],
  ])('refuses %s, before any request', (_why, kid) => {
    const target = typeof kid === 'string' && kid.includes('127.0.0.1') ? loopback : vault;
    try {
      parseTrustedKeyId(kid, target, 'backup');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(KeyVaultError);
      expect(error).toMatchObject({
        problem: 'kid-not-trusted',
        retriable: false,
        errorClass: 'secret-decryption-failed',
      });
    }
  });

  it('gives the versionless prefix of the configured key', () => {
    expect(keyIdPrefix(vault, 'backup')).toBe('https://acme.vault.azure.net/keys/backup');
  });
});
