import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditAction } from '@vault-backup/persistence';
import { translateDatabaseError } from '../configuration/database-errors';
import { assertNoSecretValues, type AuditEntry, type AuditEntryInput } from './audit-entry';
import { type AuditLogStore, type AuditPage } from './audit-log.store';

interface AuditRow {
  id: string;
  workspace_id: string;
  actor_sub: string;
  actor_role: string;
  action: AuditAction;
  details: Record<string, unknown>;
  request_id: string | null;
  occurred_at: Date;
}

export class PgAuditLogStore implements AuditLogStore {
  constructor(private readonly dataSource: DataSource) {}

  async append(manager: EntityManager, entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) assertNoSecretValues(entry.details);
    await manager.query(
      `INSERT INTO audit_log (workspace_id, actor_sub, actor_role, action, details, request_id)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::varchar[])`,
      [
        entries.map((entry) => entry.workspaceId),
        entries.map((entry) => entry.actor.sub),
        entries.map((entry) => entry.actor.role),
        entries.map((entry) => entry.action),
        entries.map((entry) => JSON.stringify(entry.details)),
        entries.map((entry) => entry.actor.requestId),
      ],
    );
  }

  async page(workspaceId: string, options: { beforeId?: string; limit: number }): Promise<AuditPage> {
    let rows: AuditRow[];
    try {
      rows = await this.dataSource.query<AuditRow[]>(
        `SELECT id::text AS id, workspace_id, actor_sub, actor_role, action, details, request_id, occurred_at
           FROM audit_log
          WHERE workspace_id = $1 AND ($2::bigint IS NULL OR audit_log.id < $2::bigint)
          ORDER BY audit_log.id DESC
          LIMIT $3`,
        [workspaceId, options.beforeId ?? null, options.limit + 1],
      );
    } catch (error) {
      throw translateDatabaseError(error, 'reading the audit log');
    }
    const items = rows.slice(0, options.limit).map(toEntry);
    return { items, nextAfterId: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    actorSub: row.actor_sub,
    actorRole: row.actor_role,
    action: row.action,
    details: row.details,
    requestId: row.request_id,
    occurredAt: row.occurred_at,
  };
}
