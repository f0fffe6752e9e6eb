import { type KeyVaultKeyPort } from '@vault-backup/azure-key-vault';
import { type KeyWrapper, type WrappedKey } from '@vault-backup/crypto';

/**
 * The service key in Azure Key Vault (RSA, reached with workload identity): shares are wrapped and
 * unwrapped by the vault, so the service's own key material never sits in configuration. `kid` is the
 * version current at start; `wrap` reports the version that actually wrapped, so a rotation in Key
 * Vault mid-run never records a share under the wrong version.
 */
export class KeyVaultServiceKeyWrapper implements KeyWrapper {
  private constructor(
    private readonly port: KeyVaultKeyPort,
    private currentKid: string,
  ) {}

  static async open(port: KeyVaultKeyPort): Promise<KeyVaultServiceKeyWrapper> {
    return new KeyVaultServiceKeyWrapper(port, (await port.describeKey()).kid);
  }

  get kid(): string {
    return this.currentKid;
  }

  async wrap(key: Uint8Array): Promise<WrappedKey> {
    const wrapped = await this.port.wrapKey(key);
    this.currentKid = wrapped.kid;
    return wrapped;
  }

  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    return this.port.unwrapKey(kid, 'RSA-OAEP-256', wrapped);
  }
}
