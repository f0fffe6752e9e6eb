import { type KeyObject, constants, privateDecrypt } from 'node:crypto';
import { type KeyUnwrapper, type KeyWrapAlgorithm } from './key-unwrapper.port';
import { SecretDecryptionError } from './secret-decryption.error';

/**
 * Unwraps with RSA private keys held in memory, by exact key id. For tests and local development only:
 * in production the private key stays in Azure Key Vault.
 */
export class LocalRsaKeyUnwrapper implements KeyUnwrapper {
  private readonly privateKeys: ReadonlyMap<string, KeyObject>;

  constructor(privateKeys: ReadonlyMap<string, KeyObject> | Readonly<Record<string, KeyObject>>) {
    this.privateKeys =
      privateKeys instanceof Map ? new Map(privateKeys) : new Map(Object.entries(privateKeys));
    for (const key of this.privateKeys.values()) {
      if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa')
        throw new TypeError('LocalRsaKeyUnwrapper needs RSA private keys');
    }
  }

  unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array> {
    const privateKey = this.privateKeys.get(kid);
    if (!privateKey) return Promise.reject(new SecretDecryptionError('no private key for this key id'));
    if (algorithm !== 'RSA-OAEP-256')
      return Promise.reject(new SecretDecryptionError('unsupported key wrap algorithm'));
    try {
      const cek = privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        wrappedKey,
      );
      return Promise.resolve(new Uint8Array(cek.buffer, cek.byteOffset, cek.length));
    } catch (error) {
      return Promise.reject(
        new SecretDecryptionError('key unwrap failed: wrong key or corrupted encrypted_key', {
          cause: error,
        }),
      );
    }
  }
}
