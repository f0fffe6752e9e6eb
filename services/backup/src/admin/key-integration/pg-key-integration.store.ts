import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type AuditLogStore } from '../audit/audit-log.store';
import { ConcurrentChangeError, translateDatabaseError } from '../configuration/database-errors';
import { WORKSPACE_KEY_COLUMNS, type WorkspaceKeyRow } from '../../key-vault/workspace-key';
import { type KeyCheckReport, type KeyIntegration, type KeyIntegrationDraft } from './key-integration';
import { type KeyIntegrationStore } from './key-integration.store';

/** The workspace key's columns (shared with the key registry) and what only the admin API reads. */
interface KeyIntegrationRow extends WorkspaceKeyRow {
  readonly last_check: KeyCheckReport;
  readonly validated_at: Date;
  readonly created_at: Date;
  readonly updated_at: Date;
}

const COLUMNS = `${WORKSPACE_KEY_COLUMNS}, last_check, validated_at, created_at, updated_at`;

export class PgKeyIntegrationStore implements KeyIntegrationStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogStore,
  ) {}

  async find(workspaceId: string): Promise<KeyIntegration | null> {
    try {
      const rows = await this.dataSource.query<KeyIntegrationRow[]>(
        `SELECT ${COLUMNS} FROM workspace_key_integration WHERE workspace_id = $1`,
        [workspaceId],
      );
      return rows[0] === undefined ? null : toIntegration(rows[0]);
    } catch (error) {
      throw translateDatabaseError(error, 'reading the key integration');
    }
  }

  save(
    draft: KeyIntegrationDraft,
    expectedRevision: number | null,
    audit: readonly AuditEntryInput[],
  ): Promise<KeyIntegration> {
    return this.write('saving the key integration', audit, (manager) =>
      expectedRevision === null ? insertRow(manager, draft) : updateRow(manager, draft, expectedRevision),
    );
  }

  recordCheck(
    workspaceId: string,
    report: KeyCheckReport,
    expectedRevision: number,
    audit: readonly AuditEntryInput[],
  ): Promise<KeyIntegration> {
    return this.write('recording a key check', audit, async (manager) => {
      const [rows] = await manager.query<[KeyIntegrationRow[], number]>(
        `UPDATE workspace_key_integration
            SET last_check = $2, revision = revision + 1, updated_at = now()
          WHERE workspace_id = $1 AND revision = $3
         RETURNING ${COLUMNS}`,
        [workspaceId, JSON.stringify(report), expectedRevision],
      );
      return rows;
    });
  }

  async audit(entries: readonly AuditEntryInput[]): Promise<void> {
    try {
      await this.dataSource.transaction((manager) => this.auditLog.append(manager, entries));
    } catch (error) {
      throw translateDatabaseError(error, 'writing the audit log');
    }
  }

  async delete(workspaceId: string, audit: readonly AuditEntryInput[]): Promise<KeyIntegration | null> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [rows] = await manager.query<[KeyIntegrationRow[], number]>(
          `DELETE FROM workspace_key_integration WHERE workspace_id = $1 RETURNING ${COLUMNS}`,
          [workspaceId],
        );
        const row = rows[0];
        if (row === undefined) return null;
        await this.auditLog.append(manager, audit);
        return toIntegration(row);
      });
    } catch (error) {
      throw translateDatabaseError(error, 'deleting the key integration');
    }
  }

  /** One transaction: the row changes at the expected revision and its audit entries land, or neither. */
  private async write(
    what: string,
    audit: readonly AuditEntryInput[],
    change: (manager: EntityManager) => Promise<KeyIntegrationRow[]>,
  ): Promise<KeyIntegration> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const row = (await change(manager))[0];
        if (row === undefined) throw new ConcurrentChangeError();
        await this.auditLog.append(manager, audit);
        return toIntegration(row);
      });
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }
}

/** Creates the row; none when a concurrent request created it first. */
function insertRow(manager: EntityManager, draft: KeyIntegrationDraft): Promise<KeyIntegrationRow[]> {
  return manager.query<KeyIntegrationRow[]>(
    `INSERT INTO workspace_key_integration (workspace_id, directory_tenant_id, client_id, client_secret_ciphertext,
       vault_url, key_name, key_id, public_key_jwk, last_check, validated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (workspace_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    toValues(draft),
  );
}

async function updateRow(
  manager: EntityManager,
  draft: KeyIntegrationDraft,
  expectedRevision: number,
): Promise<KeyIntegrationRow[]> {
  const [rows] = await manager.query<[KeyIntegrationRow[], number]>(
    `UPDATE workspace_key_integration
        SET directory_tenant_id = $2, client_id = $3, client_secret_ciphertext = $4, vault_url = $5, key_name = $6,
            key_id = $7, public_key_jwk = $8, last_check = $9, validated_at = $10,
            revision = revision + 1, updated_at = now()
      WHERE workspace_id = $1 AND revision = $11
     RETURNING ${COLUMNS}`,
    [...toValues(draft), expectedRevision],
  );
  return rows;
}

function toValues(draft: KeyIntegrationDraft): unknown[] {
  return [
    draft.workspaceId,
    draft.directoryTenantId,
    draft.clientId,
    draft.clientSecretCiphertext,
    draft.vaultUrl,
    draft.keyName,
    draft.keyId,
    JSON.stringify(draft.publicKeyJwk),
    JSON.stringify(draft.lastCheck),
    draft.validatedAt,
  ];
}

function toIntegration(row: KeyIntegrationRow): KeyIntegration {
  return {
    workspaceId: row.workspace_id,
    directoryTenantId: row.directory_tenant_id,
    clientId: row.client_id,
    clientSecretCiphertext: row.client_secret_ciphertext,
    vaultUrl: row.vault_url,
    keyName: row.key_name,
    keyId: row.key_id,
    publicKeyJwk: row.public_key_jwk,
    lastCheck: row.last_check,
    validatedAt: row.validated_at,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
