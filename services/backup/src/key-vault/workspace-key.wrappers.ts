import { constants, createPublicKey, type KeyObject, publicEncrypt } from 'node:crypto';
import { type KeyVaultConnectionFactory, type KeyVaultKeyPort } from '@vault-backup/azure-key-vault';
import {
  type KeyWrapper,
  type WorkspaceKeyWrappers,
  WorkspaceKeyUnavailableError,
  type WrappedKey,
} from '@vault-backup/crypto';
import { type WorkspaceKey } from './workspace-key';
import { type WorkspaceKeyRegistry } from './workspace-key.registry';

const OAEP_SHA256 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/** The Key Vault port of a workspace's key, with the workspace's own service principal. */
export function workspaceKeyPort(connections: KeyVaultConnectionFactory, key: WorkspaceKey): KeyVaultKeyPort {
  return connections.forKey({
    vaultUrl: key.vaultUrl,
    keyName: key.keyName,
    credential: {
      kind: 'client-secret',
      tenantId: key.directoryTenantId,
      clientId: key.clientId,
      clientSecret: key.clientSecret,
    },
  });
}

/**
 * The workspaces' own keys for the envelope cipher: new data-key shares are wrapped locally with the
 * key's public half (no call, and it works after a revocation: we can still seal, only not open), and
 * shares are unwrapped by Key Vault with the workspace's service principal, whatever version wrapped them.
 */
export class KeyVaultWorkspaceKeyWrappers implements WorkspaceKeyWrappers {
  constructor(
    private readonly registry: WorkspaceKeyRegistry,
    private readonly connections: KeyVaultConnectionFactory,
  ) {}

  async wrapperFor(workspaceId: string): Promise<KeyWrapper | undefined> {
    const key = await this.registry.find(workspaceId);
    return key === undefined ? undefined : new PublicKeyWrapper(key, this.connections);
  }

  async unwrap(workspaceId: string, kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    const key = await this.registry.find(workspaceId);
    if (key === undefined) throw new WorkspaceKeyUnavailableError(workspaceId);
    return workspaceKeyPort(this.connections, key).unwrapKey(kid, 'RSA-OAEP-256', wrapped);
  }
}

class PublicKeyWrapper implements KeyWrapper {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly key: WorkspaceKey,
    private readonly connections: KeyVaultConnectionFactory,
  ) {
    this.publicKey = createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' });
  }

  get kid(): string {
    return this.key.keyId;
  }

  wrap(plain: Uint8Array): Promise<WrappedKey> {
    const wrapped = publicEncrypt({ key: this.publicKey, ...OAEP_SHA256 }, plain);
    return Promise.resolve({ kid: this.key.keyId, wrapped: new Uint8Array(wrapped) });
  }

  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    return workspaceKeyPort(this.connections, this.key).unwrapKey(kid, 'RSA-OAEP-256', wrapped);
  }
}
