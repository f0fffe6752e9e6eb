import { type DataSource, type EntityManager } from 'typeorm';
import { type BackupFailureStatus } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type AuditLogStore } from '../audit/audit-log.store';
import { translateDatabaseError } from '../configuration/database-errors';
import { type BackupFailure } from './backup-failure';
import { type FailurePosition, type FailureStore, type ReplayTransaction } from './failure.store';

interface FailureRow {
  id: string;
  workspace_id: string | null;
  account_id: string | null;
  version: string | null;
  event_id: string | null;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  error_class: string;
  error_code: string;
  error_message: string;
  attempts: number;
  record_ciphertext: string;
  record_purpose: 'backup-failure' | 'pending-backup';
  dlq_topic: string;
  dlq_partition: number | null;
  dlq_offset: string | null;
  status: BackupFailureStatus;
  created_at: Date;
  created_micros: string;
  replayed_at: Date | null;
  replayed_by: string | null;
}

const COLUMNS = `id, workspace_id, account_id, version::text AS version, event_id, source_topic, source_partition,
  source_offset::text AS source_offset, error_class, error_code, error_message, attempts, record_ciphertext, record_purpose, dlq_topic,
  dlq_partition, dlq_offset::text AS dlq_offset, status, created_at,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_micros, replayed_at, replayed_by`;

export class PgFailureStore implements FailureStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogStore,
  ) {}

  async page(
    workspaceId: string,
    options: { status?: BackupFailureStatus; after?: FailurePosition; limit: number },
  ): Promise<{ items: BackupFailure[]; next: FailurePosition | null }> {
    let rows: FailureRow[];
    try {
      rows = await this.dataSource.query<FailureRow[]>(
        `SELECT ${COLUMNS} FROM backup_failure
          WHERE workspace_id = $1 AND ($2::varchar IS NULL OR status = $2)
            AND ($3::bigint IS NULL OR ((extract(epoch FROM created_at) * 1000000)::bigint, id) < ($3::bigint, $4::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $5`,
        [
          workspaceId,
          options.status ?? null,
          options.after?.createdAtMicros ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      );
    } catch (error) {
      throw translateDatabaseError(error, 'reading backup failures');
    }
    const items = rows.slice(0, options.limit).map(toFailure);
    const last = items.at(-1);
    const next =
      rows.length > options.limit && last !== undefined
        ? { createdAtMicros: last.createdAtMicros, id: last.id }
        : null;
    return { items, next };
  }

  async countOpen(workspaceId: string): Promise<number> {
    try {
      const [row] = await this.dataSource.query<{ open: number }[]>(
        `SELECT count(*)::int AS open FROM backup_failure WHERE workspace_id = $1 AND status = 'open'`,
        [workspaceId],
      );
      return row?.open ?? 0;
    } catch (error) {
      throw translateDatabaseError(error, 'counting backup failures');
    }
  }

  async withLocked<T>(
    workspaceId: string,
    id: string,
    work: (failure: BackupFailure | null, tx: ReplayTransaction) => Promise<T>,
  ): Promise<T> {
    return this.inTransaction(async (manager) => {
      const rows = await manager.query<FailureRow[]>(
        `SELECT ${COLUMNS} FROM backup_failure WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, workspaceId],
      );
      return work(rows[0] === undefined ? null : toFailure(rows[0]), this.replayTransaction(manager));
    });
  }

  async withLockedOpen<T>(
    workspaceId: string,
    options: { limit: number; exclude: readonly string[] },
    work: (failures: BackupFailure[], tx: ReplayTransaction) => Promise<T>,
  ): Promise<T> {
    return this.inTransaction(async (manager) => {
      const rows = await manager.query<FailureRow[]>(
        `SELECT ${COLUMNS} FROM backup_failure
          WHERE workspace_id = $1 AND status = 'open' AND NOT (id = ANY($2::uuid[]))
          ORDER BY created_at, id
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [workspaceId, options.exclude, options.limit],
      );
      return work(rows.map(toFailure), this.replayTransaction(manager));
    });
  }

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw translateDatabaseError(error, 'replaying backup failures');
    }
  }

  private replayTransaction(manager: EntityManager): ReplayTransaction {
    return {
      markReplayed: async (ids, replayedBy) => {
        const [rows] = await manager.query<[FailureRow[], number]>(
          `UPDATE backup_failure SET status = 'replayed', replayed_at = now(), replayed_by = $2
            WHERE id = ANY($1::uuid[])
           RETURNING ${COLUMNS}`,
          [ids, replayedBy],
        );
        return rows.map(toFailure);
      },
      audit: (entries: readonly AuditEntryInput[]) => this.auditLog.append(manager, entries),
    };
  }
}

function toFailure(row: FailureRow): BackupFailure {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    version: row.version,
    eventId: row.event_id,
    source: { topic: row.source_topic, partition: row.source_partition, offset: row.source_offset },
    error: { class: row.error_class, code: row.error_code, message: row.error_message },
    attempts: row.attempts,
    recordCiphertext: row.record_ciphertext,
    sealedAs: row.record_purpose,
    deadLetter: { topic: row.dlq_topic, partition: row.dlq_partition, offset: row.dlq_offset },
    status: row.status,
    createdAt: row.created_at,
    createdAtMicros: row.created_micros,
    replayedAt: row.replayed_at,
    replayedBy: row.replayed_by,
  };
}
