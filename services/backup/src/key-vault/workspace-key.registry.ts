import { LRUCache } from 'lru-cache';
import { type DataSource } from 'typeorm';
import { Secret } from '@vault-backup/config';
import { translateDatabaseError } from '@vault-backup/persistence';
import {
  KEY_CLIENT_SECRET_CIPHER_CONTEXT,
  WORKSPACE_KEY_COLUMNS,
  type WorkspaceKey,
  type WorkspaceKeyRow,
} from './workspace-key';

/** Opens a service-scope token: the secret that reaches a workspace key is never sealed under that key. */
export type ServiceSecretOpener = (ciphertext: string, context: string) => Promise<Uint8Array>;

const MAX_CACHED_WORKSPACES = 10_000;
/** Keys are cached including "has none", so a workspace without a key costs no query per event. */
const NO_KEY = Symbol('no key');

/**
 * The workspaces' own keys, read from PostgreSQL with a short cache. An admin change takes effect here
 * at once (`forget`), and on other replicas within the TTL.
 */
export class WorkspaceKeyRegistry {
  private readonly cache: LRUCache<string, WorkspaceKey | typeof NO_KEY>;
  private readonly loading = new Map<string, Promise<WorkspaceKey | undefined>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly openSecret: ServiceSecretOpener,
    ttlMs: number,
  ) {
    this.cache = new LRUCache({ max: MAX_CACHED_WORKSPACES, ttl: Math.max(1, ttlMs) });
  }

  async find(workspaceId: string): Promise<WorkspaceKey | undefined> {
    const cached = this.cache.get(workspaceId);
    if (cached !== undefined) return cached === NO_KEY ? undefined : cached;
    let loading = this.loading.get(workspaceId);
    if (!loading) {
      loading = this.load(workspaceId).finally(() => this.loading.delete(workspaceId));
      this.loading.set(workspaceId, loading);
    }
    return loading;
  }

  forget(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  private async load(workspaceId: string): Promise<WorkspaceKey | undefined> {
    let rows: WorkspaceKeyRow[];
    try {
      rows = await this.dataSource.query<WorkspaceKeyRow[]>(
        `SELECT ${WORKSPACE_KEY_COLUMNS} FROM workspace_key_integration WHERE workspace_id = $1`,
        [workspaceId],
      );
    } catch (error) {
      throw translateDatabaseError(error, 'reading the workspace key');
    }
    const row = rows[0];
    if (row === undefined) {
      this.cache.set(workspaceId, NO_KEY);
      return undefined;
    }
    const key = await this.toKey(row);
    this.cache.set(workspaceId, key);
    return key;
  }

  private async toKey(row: WorkspaceKeyRow): Promise<WorkspaceKey> {
    const secret = await this.openSecret(row.client_secret_ciphertext, KEY_CLIENT_SECRET_CIPHER_CONTEXT);
    return {
      workspaceId: row.workspace_id,
      revision: row.revision,
      directoryTenantId: row.directory_tenant_id,
      clientId: row.client_id,
      clientSecret: new Secret(Buffer.from(secret).toString('utf8')),
      vaultUrl: row.vault_url,
      keyName: row.key_name,
      keyId: row.key_id,
      publicJwk: row.public_key_jwk,
    };
  }
}
