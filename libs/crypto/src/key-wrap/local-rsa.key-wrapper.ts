import { type KeyObject, constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import { type KeyWrapper, type WrappedKey } from './key-wrapper.port';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/**
 * {@link KeyWrapper} with RSA-OAEP-256 as a workspace key does it: wraps with the current PUBLIC key
 * only (no call, works even when the workspace has revoked us), unwraps with the private key of the
 * version that wrapped. Holds the private keys in memory: for tests and local development only — in
 * production they stay in Azure Key Vault and unwrapping is a Key Vault call.
 */
export class LocalRsaKeyWrapper implements KeyWrapper {
  private readonly privateKeys: ReadonlyMap<string, KeyObject>;

  constructor(
    private readonly current: { readonly kid: string; readonly publicKey: KeyObject },
    privateKeys: ReadonlyMap<string, KeyObject>,
  ) {
    if (current.publicKey.asymmetricKeyType !== 'rsa')
      throw new TypeError('LocalRsaKeyWrapper needs RSA keys');
    this.privateKeys = new Map(privateKeys);
  }

  get kid(): string {
    return this.current.kid;
  }

  wrap(key: Uint8Array): Promise<WrappedKey> {
    const wrapped = publicEncrypt({ key: this.current.publicKey, ...OAEP }, key);
    return Promise.resolve({ kid: this.current.kid, wrapped: new Uint8Array(wrapped) });
  }

  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    const privateKey = this.privateKeys.get(kid);
    if (!privateKey) return Promise.reject(new DataDecryptionError('no private key for this key id'));
    try {
      const key = privateDecrypt({ key: privateKey, ...OAEP }, wrapped);
      const copy = new Uint8Array(key);
      key.fill(0);
      return Promise.resolve(copy);
    } catch (error) {
      return Promise.reject(
        new DataDecryptionError('RSA unwrap failed: wrong key or corrupted', { cause: error }),
      );
    }
  }
}
