import { KeyVaultError } from '../key-vault.errors';
import { type VaultAddress } from '../vault-url/key-vault-url.policy';

/** A versioned key id the adapter may present our credential for. */
export interface TrustedKeyId {
  /** Exactly as given: `https://<vault host>/keys/<name>/<version>`. */
  readonly kid: string;
  readonly name: string;
  readonly version: string;
}

/** Read on the raw text, before WHATWG parsing could normalise dot segments or escapes away. */
const KEY_ID = /^https:\/\/([^/?#@\\\s]+)\/keys\/([0-9A-Za-z-]{1,127})\/([0-9A-Za-z]{32})$/;

/**
 * The kid comes from the event, and unwrapping with it presents our credential to the vault it names;
 * so it must be a versioned id under exactly the configured vault and key name. Anything else is
 * refused before a request is made (`kid-not-trusted`, permanent).
 */
export function parseTrustedKeyId(kid: unknown, vault: VaultAddress, keyName: string): TrustedKeyId {
  const refuse = (why: string): KeyVaultError =>
    new KeyVaultError('kid-not-trusted', `key id refused: ${why}`, { operation: 'check-kid' });
  if (typeof kid !== 'string' || kid.length > 512) throw refuse('not a key id');
  const match = KEY_ID.exec(kid);
  if (match === null) {
    throw refuse('must be a versioned Key Vault key id https://<vault>/keys/<name>/<32-character version>');
  }
  const [, authority, name, version] = match as unknown as [string, string, string, string];
  if (`https://${authority.toLowerCase()}` !== vault.url) throw refuse('it names another vault');
  if (name.toLowerCase() !== keyName.toLowerCase()) throw refuse('it names another key of the vault');
  return { kid, name, version };
}

/** The versionless id of the configured key, e.g. for `JweSecretsDecryptor`'s `trustedKeyIds`. */
export function keyIdPrefix(vault: VaultAddress, keyName: string): string {
  return `${vault.url}/keys/${keyName}`;
}
