import { type DataSource } from 'typeorm';
import { Secret } from '@vault-backup/config';
import { type DataCipher } from '@vault-backup/crypto';
import { tenantKeyOf } from '@vault-backup/cyberark';
import { DependencyUnavailableError, describeError, isAppError, isRetriable } from '@vault-backup/errors';
import { CLIENT_SECRET_CIPHER_CONTEXT, translateDatabaseError } from '@vault-backup/persistence';
import { isErrorClass, truncate } from '../domain/backup-failure';
import { type WorkspaceTarget, type WorkspaceTargetsPort } from '../ports/workspace-targets.port';

interface EnabledRow {
  workspace_id: string;
  identity_url: string;
  privilege_cloud_url: string;
  client_id: string;
  client_secret_ciphertext: string;
  safe_name: string;
  platform_id: string;
  allow_plaintext_secrets: boolean;
  metadata_only: boolean;
  retry_budget_seconds: number;
}

interface CacheEntry {
  readonly value: WorkspaceTarget | null;
  readonly expiresAt: number;
}

/**
 * Reads enabled backup configurations from PostgreSQL, with a short cache (including "not
 * configured" answers) so a batch costs at most one query for its workspaces. Admin changes take
 * effect within the TTL, or at once through `invalidate`.
 */
export class PgWorkspaceTargets implements WorkspaceTargetsPort {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: DataCipher,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async activeTargets(workspaceIds: readonly string[]): Promise<Map<string, WorkspaceTarget>> {
    const now = this.now();
    const missing = workspaceIds.filter((id) => (this.cache.get(id)?.expiresAt ?? 0) <= now);
    if (missing.length > 0) await this.load(missing, now);
    const result = new Map<string, WorkspaceTarget>();
    for (const id of workspaceIds) {
      const value = this.cache.get(id)?.value;
      if (value) result.set(id, value);
    }
    return result;
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  private async load(workspaceIds: readonly string[], now: number): Promise<void> {
    let rows: EnabledRow[];
    try {
      rows = await this.dataSource.query<EnabledRow[]>(
        `SELECT workspace_id, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
                platform_id, allow_plaintext_secrets, metadata_only, retry_budget_seconds
           FROM backup_configuration
          WHERE workspace_id = ANY($1::varchar[]) AND status = 'enabled'`,
        [workspaceIds],
      );
    } catch (error) {
      throw translateDatabaseError(error, 'loading backup configurations');
    }
    const found = new Map(
      await Promise.all(rows.map(async (row) => [row.workspace_id, await this.toActive(row)] as const)),
    );
    for (const id of workspaceIds)
      this.cache.set(id, { value: found.get(id) ?? null, expiresAt: now + this.ttlMs });
  }

  private async toActive(row: EnabledRow): Promise<WorkspaceTarget> {
    let secret: Uint8Array;
    try {
      secret = await this.cipher.decrypt(
        row.client_secret_ciphertext,
        CLIENT_SECRET_CIPHER_CONTEXT,
        row.workspace_id,
      );
    } catch (error) {
      // A PostgreSQL outage is everyone's: the batch waits for it. Anything else concerns this
      // workspace's own secret or key (revoked, its vault down): only its records are parked.
      if (isDatabaseOutage(error)) throw error;
      return isRetriable(error) ? keyUnavailable(row, error) : unreadableSecret(row, error);
    }
    const connection = {
      identityUrl: row.identity_url,
      privilegeCloudUrl: row.privilege_cloud_url,
      clientId: row.client_id,
      clientSecret: new Secret(Buffer.from(secret).toString('utf8')),
    };
    return {
      workspaceId: row.workspace_id,
      tenantKey: tenantKeyOf(connection),
      connection,
      target: { safeName: row.safe_name, platformId: row.platform_id, metadataOnly: row.metadata_only },
      allowPlaintextSecrets: row.allow_plaintext_secrets,
      retryBudgetMs: row.retry_budget_seconds * 1000,
    };
  }
}

function isDatabaseOutage(error: unknown): boolean {
  return error instanceof DependencyUnavailableError && error.dependency === 'postgresql';
}

/** The workspace's key cannot be used right now (e.g. it revoked our access): its records wait for it, others flow. */
function keyUnavailable(row: EnabledRow, error: unknown): WorkspaceTarget {
  const errorClass = (error as { errorClass?: unknown }).errorClass;
  return {
    workspaceId: row.workspace_id,
    retryBudgetMs: row.retry_budget_seconds * 1000,
    unusable: {
      errorClass: isErrorClass(errorClass) ? errorClass : 'decryption-key-unavailable',
      code: isAppError(error) ? error.code : 'CLIENT_SECRET_KEY_UNAVAILABLE',
      message: truncate(
        `the stored CyberArk client secret of workspace ${row.workspace_id} cannot be decrypted right now ` +
          `(${describeError(error)}); parked until the workspace's key can be used again`,
      ),
      retriable: true,
    },
  };
}

/** The one workspace whose stored secret cannot be opened is parked with a reason; nothing else stops. */
function unreadableSecret(row: EnabledRow, error: unknown): WorkspaceTarget {
  return {
    workspaceId: row.workspace_id,
    retryBudgetMs: row.retry_budget_seconds * 1000,
    unusable: {
      errorClass: 'workspace-configuration',
      code: 'CLIENT_SECRET_UNREADABLE',
      message:
        `the stored CyberArk client secret of workspace ${row.workspace_id} cannot be decrypted ` +
        `(${describeError(error)}); reconnect the vault backup with its client secret, then the parked backups resume`,
      retriable: true,
    },
  };
}
