import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type AuditLogStore } from '../audit/audit-log.store';
import { type CheckReport } from '../cyberark-probe/check-report';
import { type BackupConfiguration, type BackupCounters, type BackupStatus } from './backup-configuration';
import {
  type ConfigurationDraft,
  type ConfigurationStore,
  type ConfigurationSummary,
} from './configuration.store';
import { ConcurrentChangeError, translateDatabaseError } from './database-errors';

interface ConfigurationRow {
  workspace_id: string;
  status: BackupStatus;
  identity_url: string | null;
  privilege_cloud_url: string | null;
  client_id: string | null;
  client_secret_ciphertext: string | null;
  safe_name: string | null;
  platform_id: string | null;
  allow_plaintext_secrets: boolean;
  metadata_only: boolean;
  retry_budget_seconds: number;
  validation_report: CheckReport | null;
  connected_at: Date | null;
  validated_at: Date | null;
  enabled_at: Date | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

interface SummaryRow {
  workspace_id: string;
  status: BackupStatus;
  validated_at: Date | null;
  enabled_at: Date | null;
  updated_at: Date;
  open_failures: string;
  skipped_count: string | null;
  last_skipped_at: Date | null;
}

const COLUMNS = `workspace_id, status, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
  platform_id, allow_plaintext_secrets, metadata_only, retry_budget_seconds, validation_report, connected_at,
  validated_at, enabled_at, revision, created_at, updated_at`;

export class PgConfigurationStore implements ConfigurationStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogStore,
  ) {}

  async find(workspaceId: string): Promise<BackupConfiguration | null> {
    try {
      const rows = await this.dataSource.query<ConfigurationRow[]>(
        `SELECT ${COLUMNS} FROM backup_configuration WHERE workspace_id = $1`,
        [workspaceId],
      );
      return rows[0] === undefined ? null : toConfiguration(rows[0]);
    } catch (error) {
      throw translateDatabaseError(error, 'reading the backup configuration');
    }
  }

  async save(
    draft: ConfigurationDraft,
    expectedRevision: number | null,
    audit: readonly AuditEntryInput[],
  ): Promise<BackupConfiguration> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const rows =
          expectedRevision === null
            ? await insertRow(manager, draft)
            : await updateRow(manager, draft, expectedRevision);
        const row = rows[0];
        if (row === undefined) throw new ConcurrentChangeError();
        await this.auditLog.append(manager, audit);
        return toConfiguration(row);
      });
    } catch (error) {
      throw translateDatabaseError(error, 'saving the backup configuration');
    }
  }

  async delete(workspaceId: string, audit: readonly AuditEntryInput[]): Promise<BackupConfiguration | null> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [rows] = await manager.query<[ConfigurationRow[], number]>(
          `DELETE FROM backup_configuration WHERE workspace_id = $1 RETURNING ${COLUMNS}`,
          [workspaceId],
        );
        const row = rows[0];
        if (row === undefined) return null;
        await this.auditLog.append(manager, audit);
        return toConfiguration(row);
      });
    } catch (error) {
      throw translateDatabaseError(error, 'deleting the backup configuration');
    }
  }

  async counters(workspaceId: string): Promise<BackupCounters> {
    try {
      const [row] = await this.dataSource.query<SummaryRow[]>(
        `SELECT (SELECT count(*) FROM backup_failure WHERE workspace_id = $1 AND status = 'open') AS open_failures,
                s.skipped_count, s.last_skipped_at
           FROM (SELECT 1) AS one
           LEFT JOIN skipped_event_stats s ON s.workspace_id = $1`,
        [workspaceId],
      );
      return toCounters(row);
    } catch (error) {
      throw translateDatabaseError(error, 'counting failures and skipped events');
    }
  }

  async list(options: {
    afterWorkspaceId?: string;
    status?: BackupStatus;
    limit: number;
  }): Promise<ConfigurationSummary[]> {
    try {
      const rows = await this.dataSource.query<SummaryRow[]>(
        `SELECT c.workspace_id, c.status, c.validated_at, c.enabled_at, c.updated_at,
                (SELECT count(*) FROM backup_failure f WHERE f.workspace_id = c.workspace_id AND f.status = 'open') AS open_failures,
                s.skipped_count, s.last_skipped_at
           FROM backup_configuration c
           LEFT JOIN skipped_event_stats s ON s.workspace_id = c.workspace_id
          WHERE ($1::varchar IS NULL OR c.workspace_id > $1) AND ($2::varchar IS NULL OR c.status = $2)
          ORDER BY c.workspace_id
          LIMIT $3`,
        [options.afterWorkspaceId ?? null, options.status ?? null, options.limit],
      );
      return rows.map((row) => ({
        workspaceId: row.workspace_id,
        status: row.status,
        validatedAt: row.validated_at,
        enabledAt: row.enabled_at,
        updatedAt: row.updated_at,
        counters: toCounters(row),
      }));
    } catch (error) {
      throw translateDatabaseError(error, 'listing backup configurations');
    }
  }
}

/** Creates the row; none when a concurrent request created it first. */
async function insertRow(manager: EntityManager, draft: ConfigurationDraft): Promise<ConfigurationRow[]> {
  return manager.query<ConfigurationRow[]>(
    `INSERT INTO backup_configuration (${COLUMNS.replace(/, revision, created_at, updated_at$/, '')})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (workspace_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    toValues(draft),
  );
}

/** Updates the row at the expected revision only; none when another request changed it meanwhile. */
async function updateRow(
  manager: EntityManager,
  draft: ConfigurationDraft,
  expectedRevision: number,
): Promise<ConfigurationRow[]> {
  const [rows] = await manager.query<[ConfigurationRow[], number]>(
    `UPDATE backup_configuration
        SET status = $2, identity_url = $3, privilege_cloud_url = $4, client_id = $5, client_secret_ciphertext = $6,
            safe_name = $7, platform_id = $8, allow_plaintext_secrets = $9, metadata_only = $10, retry_budget_seconds = $11,
            validation_report = $12, connected_at = $13, validated_at = $14, enabled_at = $15,
            revision = revision + 1, updated_at = now()
      WHERE workspace_id = $1 AND revision = $16
     RETURNING ${COLUMNS}`,
    [...toValues(draft), expectedRevision],
  );
  return rows;
}

function toValues(draft: ConfigurationDraft): unknown[] {
  return [
    draft.workspaceId,
    draft.status,
    draft.connection?.identityUrl ?? null,
    draft.connection?.privilegeCloudUrl ?? null,
    draft.connection?.clientId ?? null,
    draft.connection?.clientSecretCiphertext ?? null,
    draft.targets?.safeName ?? null,
    draft.targets?.platformId ?? null,
    draft.options.allowPlaintextSecrets,
    draft.options.metadataOnly,
    draft.options.retryBudgetSeconds,
    draft.lastCheck === null ? null : JSON.stringify(draft.lastCheck),
    draft.connectedAt,
    draft.validatedAt,
    draft.enabledAt,
  ];
}

function toConfiguration(row: ConfigurationRow): BackupConfiguration {
  const hasConnection =
    row.identity_url !== null &&
    row.privilege_cloud_url !== null &&
    row.client_id !== null &&
    row.client_secret_ciphertext !== null;
  return {
    workspaceId: row.workspace_id,
    status: row.status,
    connection: hasConnection
      ? {
          identityUrl: row.identity_url as string,
          privilegeCloudUrl: row.privilege_cloud_url as string,
          clientId: row.client_id as string,
          clientSecretCiphertext: row.client_secret_ciphertext as string,
        }
      : null,
    targets:
      row.safe_name !== null && row.platform_id !== null
        ? { safeName: row.safe_name, platformId: row.platform_id }
        : null,
    options: {
      allowPlaintextSecrets: row.allow_plaintext_secrets,
      metadataOnly: row.metadata_only,
      retryBudgetSeconds: row.retry_budget_seconds,
    },
    lastCheck: row.validation_report,
    connectedAt: row.connected_at,
    validatedAt: row.validated_at,
    enabledAt: row.enabled_at,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toCounters(row: SummaryRow | undefined): BackupCounters {
  return {
    openFailures: Number(row?.open_failures ?? 0),
    skippedEvents: Number(row?.skipped_count ?? 0),
    lastSkippedAt: row?.last_skipped_at ?? null,
  };
}
