import { type KeyVaultConnectionFactory } from '@vault-backup/azure-key-vault';
import {
  CachingKeyUnwrapper,
  type KeyUnwrapCacheEvent,
  JweSecretsDecryptor,
  type KeyUnwrapper,
} from '@vault-backup/crypto';
import { AppError } from '@vault-backup/errors';
import { type ProtectedAccountSecrets } from '@vault-backup/event-contract';
import { LRUCache } from 'lru-cache';
import { keyPrefixOf, type WorkspaceKey } from './workspace-key';
import { type WorkspaceKeyRegistry } from './workspace-key.registry';
import { workspaceKeyPort } from './workspace-key.wrappers';

/** The workspace has no key integration, and no development key stands in: set one up, then replay. */
export class DecryptionKeyUnavailableError extends AppError {
  readonly code = 'DECRYPTION_KEY_UNAVAILABLE';
  readonly retriable = false;
  readonly errorClass = 'decryption-key-unavailable';
}

export interface ContentKeyCacheSettings {
  readonly ttlMs: number;
  /** Per workspace. */
  readonly maxEntries: number;
  readonly onEvent?: (event: KeyUnwrapCacheEvent) => void;
}

/** Workspaces whose content-key caches are kept at once (least recently used are dropped, and wiped). */
const MAX_WORKSPACES = 2_000;

interface WorkspaceDecryptor {
  readonly revision: number;
  readonly contentKeys: CachingKeyUnwrapper;
  readonly decryptor: JweSecretsDecryptor;
}

/**
 * Decrypts `encryptedSecrets` of a workspace through ITS key: only kids of the workspace's configured
 * vault and key are trusted, unwrapping uses its own service principal, and unwrapped content keys are
 * cached per workspace (one Key Vault call per distinct content key, not per event). A workspace without
 * a key integration uses the development key file when there is one, else its events cannot be decrypted.
 */
export class WorkspaceSecretsDecryptor {
  private readonly decryptors = new LRUCache<string, WorkspaceDecryptor>({
    max: MAX_WORKSPACES,
    dispose: (entry) => entry.contentKeys.clear(),
  });

  constructor(
    private readonly registry: WorkspaceKeyRegistry,
    private readonly connections: KeyVaultConnectionFactory,
    private readonly cache: ContentKeyCacheSettings,
    private readonly development?: JweSecretsDecryptor,
  ) {}

  async decrypt(jwe: unknown, workspaceId: string): Promise<ProtectedAccountSecrets> {
    const key = await this.registry.find(workspaceId);
    if (key !== undefined) return this.decryptorFor(key).decrypt(jwe);
    if (this.development) return this.development.decrypt(jwe);
    throw new DecryptionKeyUnavailableError(
      'encryptedSecrets cannot be decrypted: the workspace has no Azure Key Vault key integration (set it up, then replay)',
    );
  }

  /** Drops (and wipes) the workspace's cached content keys: its key integration changed or went away. */
  forget(workspaceId: string): void {
    this.decryptors.delete(workspaceId);
  }

  private decryptorFor(key: WorkspaceKey): JweSecretsDecryptor {
    const cached = this.decryptors.get(key.workspaceId);
    if (cached !== undefined && cached.revision === key.revision) return cached.decryptor;
    const vault: KeyUnwrapper = {
      unwrapKey: (kid, algorithm, wrapped) =>
        workspaceKeyPort(this.connections, key).unwrapKey(kid, algorithm, wrapped),
    };
    const contentKeys = new CachingKeyUnwrapper(vault, {
      ttlMs: this.cache.ttlMs,
      maxEntries: this.cache.maxEntries,
      ...(this.cache.onEvent ? { onEvent: this.cache.onEvent } : {}),
    });
    const decryptor = new JweSecretsDecryptor(contentKeys, { trustedKeyIds: [keyPrefixOf(key)] });
    this.decryptors.set(key.workspaceId, { revision: key.revision, contentKeys, decryptor });
    return decryptor;
  }
}
