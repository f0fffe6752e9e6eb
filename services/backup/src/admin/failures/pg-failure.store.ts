import { type DataSource, type EntityManager } from 'typeorm';
import { type BackupFailureStatus, TranslatedQueries } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type AuditLogStore } from '../audit/audit-log.store';
import { type BackupFailure } from './backup-failure';
import {
  type FailurePosition,
  type FailureStore,
  type ReplayTransaction,
  type WorkspaceStaleness,
} from './failure.store';
import { type ProblemKind } from './problem-catalogue';
import { type ClassCount, type Problem, type WorkspaceProblems } from './problem';
import {
  afterPosition,
  afterWorkspace,
  FIRST_FAILED_MICROS,
  type ProblemFilter,
  type ProblemPosition,
  problemConditions,
  type ProblemScope,
  PROBLEMS_CTE,
  type WorkspacePosition,
} from './problem-query';

interface ProblemRow {
  kind: ProblemKind;
  workspace_id: string | null;
  account_id: string | null;
  version: string | null;
  failure_id: string | null;
  error_class: string;
  code: string | null;
  message: string;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  next_attempt_at: Date | null;
  safe_name: string | null;
  platform_id: string | null;
  first_micros: string;
  item_key: string;
}

interface ClassCountRow {
  workspace_id?: string;
  error_class: string;
  failed: number;
  parked: number;
}

interface WorkspaceRow {
  workspace_id: string;
  failed: number;
  parked: number;
  oldest: Date;
  latest: Date;
}

export interface FailureRow {
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
  first_failed_at: Date;
  created_micros: string;
  replayed_at: Date | null;
  replayed_by: string | null;
}

export const FAILURE_COLUMNS = `id, workspace_id, account_id, version::text AS version, event_id, source_topic, source_partition,
  source_offset::text AS source_offset, error_class, error_code, error_message, attempts, record_ciphertext, record_purpose, dlq_topic,
  dlq_partition, dlq_offset::text AS dlq_offset, status, created_at, coalesce(first_failed_at, created_at) AS first_failed_at,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_micros, replayed_at, replayed_by`;

export class PgFailureStore implements FailureStore {
  private readonly queries: TranslatedQueries;

  constructor(
    dataSource: DataSource,
    private readonly auditLog: AuditLogStore,
  ) {
    this.queries = new TranslatedQueries(dataSource);
  }

  async page(
    workspaceId: string,
    options: { status?: BackupFailureStatus; after?: FailurePosition; limit: number },
  ): Promise<{ items: BackupFailure[]; next: FailurePosition | null }> {
    const rows = await this.queries.rows<FailureRow>(
      `SELECT ${FAILURE_COLUMNS} FROM backup_failure
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
      'reading backup failures',
    );
    const items = rows.slice(0, options.limit).map(toFailure);
    const last = items.at(-1);
    const next =
      rows.length > options.limit && last !== undefined
        ? { createdAtMicros: last.createdAtMicros, id: last.id }
        : null;
    return { items, next };
  }

  async countOpen(workspaceId: string): Promise<number> {
    const [row] = await this.queries.rows<{ open: number }>(
      `SELECT count(*)::int AS open FROM backup_failure WHERE workspace_id = $1 AND status = 'open'`,
      [workspaceId],
      'counting backup failures',
    );
    return row?.open ?? 0;
  }

  async problems(
    scope: ProblemScope,
    options: { filter: ProblemFilter; after?: ProblemPosition; limit: number },
  ): Promise<{ items: Problem[]; next: ProblemPosition | null }> {
    const condition = problemConditions(scope, options.filter);
    const after = options.after ? afterPosition(options.after, condition.parameters.length + 1) : undefined;
    const parameters = [...condition.parameters, ...(after?.parameters ?? []), options.limit + 1];
    const rows = await this.queries.rows<ProblemRow>(
      `WITH ${PROBLEMS_CTE},
       page AS (
         SELECT problem.*, ${FIRST_FAILED_MICROS}::text AS first_micros
           FROM problem
          WHERE ${condition.where}${after ? ` AND ${after.where}` : ''}
          ORDER BY first_failed_at DESC, item_key COLLATE "C" DESC
          LIMIT $${parameters.length}
       )
       SELECT page.*, c.safe_name, c.platform_id
         FROM page
         LEFT JOIN backup_configuration c ON c.workspace_id = page.workspace_id
        ORDER BY page.first_failed_at DESC, page.item_key COLLATE "C" DESC`,
      parameters,
      'reading failed and parked backups',
    );
    const items = rows.slice(0, options.limit).map(toProblem);
    const last = items.at(-1);
    const next =
      rows.length > options.limit && last !== undefined
        ? { firstFailedMicros: last.firstFailedMicros, itemKey: last.itemKey }
        : null;
    return { items, next };
  }

  async oldestUnbacked(limit: number): Promise<{ items: WorkspaceStaleness[]; workspaces: number }> {
    const rows = await this.queries.rows<{ workspace_id: string; oldest: Date; workspaces: number }>(
      `WITH ${PROBLEMS_CTE},
       per_workspace AS (
         SELECT workspace_id, min(first_failed_at) AS oldest FROM problem
          WHERE workspace_id IS NOT NULL GROUP BY workspace_id
       )
       SELECT workspace_id, oldest, (SELECT count(*)::int FROM per_workspace) AS workspaces
         FROM per_workspace ORDER BY oldest, workspace_id COLLATE "C" LIMIT $1`,
      [Math.max(limit, 1)],
      'reading the oldest changes not in the safe',
    );
    return {
      items: rows
        .slice(0, limit)
        .map((row) => ({ workspaceId: row.workspace_id, oldestFailedAt: row.oldest })),
      workspaces: rows[0]?.workspaces ?? 0,
    };
  }

  async countProblems(scope: ProblemScope, filter: ProblemFilter): Promise<ClassCount[]> {
    const condition = problemConditions(scope, filter);
    const rows = await this.queries.rows<ClassCountRow>(
      `WITH ${PROBLEMS_CTE}
       SELECT error_class, count(*) FILTER (WHERE kind = 'failed')::int AS failed,
              count(*) FILTER (WHERE kind = 'parked')::int AS parked
         FROM problem
        WHERE ${condition.where}
        GROUP BY error_class
        ORDER BY error_class COLLATE "C"`,
      condition.parameters,
      'counting failed and parked backups',
    );
    return rows.map(toClassCount);
  }

  async problemsByWorkspace(options: {
    filter: ProblemFilter;
    after?: WorkspacePosition;
    limit: number;
  }): Promise<{ items: WorkspaceProblems[]; next: WorkspacePosition | null }> {
    const condition = problemConditions('all-workspaces', options.filter);
    const after = options.after ? afterWorkspace(options.after, condition.parameters.length + 1) : undefined;
    const parameters = [...condition.parameters, ...(after?.parameters ?? []), options.limit + 1];
    const rows = await this.queries.rows<WorkspaceRow>(
      `WITH ${PROBLEMS_CTE},
       per_workspace AS (
         SELECT workspace_id, count(*) FILTER (WHERE kind = 'failed')::int AS failed,
                count(*) FILTER (WHERE kind = 'parked')::int AS parked,
                min(first_failed_at) AS oldest, max(last_failed_at) AS latest
           FROM problem
          WHERE ${condition.where}
          GROUP BY workspace_id
       )
       SELECT * FROM per_workspace
        ${after ? `WHERE ${after.where}` : ''}
        ORDER BY failed DESC, parked DESC, workspace_id COLLATE "C"
        LIMIT $${parameters.length}`,
      parameters,
      'summarising failed and parked backups',
    );
    const page = rows.slice(0, options.limit);
    const byClass = await this.countByWorkspace(
      options.filter,
      page.map((row) => row.workspace_id),
    );
    const items = page.map((row) => ({
      workspaceId: row.workspace_id,
      failed: row.failed,
      parked: row.parked,
      oldestFailedAt: row.oldest,
      lastFailedAt: row.latest,
      byClass: byClass.get(row.workspace_id) ?? [],
    }));
    const last = items.at(-1);
    const next =
      rows.length > options.limit && last !== undefined
        ? { failed: last.failed, parked: last.parked, workspaceId: last.workspaceId }
        : null;
    return { items, next };
  }

  private async countByWorkspace(
    filter: ProblemFilter,
    workspaceIds: readonly string[],
  ): Promise<Map<string, ClassCount[]>> {
    const counts = new Map<string, ClassCount[]>();
    if (workspaceIds.length === 0) return counts;
    const condition = problemConditions('all-workspaces', filter);
    const rows = await this.queries.rows<ClassCountRow>(
      `WITH ${PROBLEMS_CTE}
       SELECT workspace_id, error_class, count(*) FILTER (WHERE kind = 'failed')::int AS failed,
              count(*) FILTER (WHERE kind = 'parked')::int AS parked
         FROM problem
        WHERE ${condition.where} AND workspace_id = ANY($${condition.parameters.length + 1}::varchar[])
        GROUP BY workspace_id, error_class
        ORDER BY error_class COLLATE "C"`,
      [...condition.parameters, workspaceIds],
      'counting failed and parked backups by workspace',
    );
    for (const row of rows) {
      const workspaceId = String(row.workspace_id);
      counts.set(workspaceId, [...(counts.get(workspaceId) ?? []), toClassCount(row)]);
    }
    return counts;
  }

  async withLocked<T>(
    workspaceId: string,
    id: string,
    work: (failure: BackupFailure | null, tx: ReplayTransaction) => Promise<T>,
  ): Promise<T> {
    return this.queries.transaction('replaying backup failures', async (manager) => {
      const rows = await manager.query<FailureRow[]>(
        `SELECT ${FAILURE_COLUMNS} FROM backup_failure WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
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
    return this.queries.transaction('replaying backup failures', async (manager) => {
      const rows = await manager.query<FailureRow[]>(
        `SELECT ${FAILURE_COLUMNS} FROM backup_failure
          WHERE workspace_id = $1 AND status = 'open' AND NOT (id = ANY($2::uuid[]))
          ORDER BY created_at, id
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [workspaceId, options.exclude, options.limit],
      );
      return work(rows.map(toFailure), this.replayTransaction(manager));
    });
  }

  private replayTransaction(manager: EntityManager): ReplayTransaction {
    return {
      markReplayed: async (ids, replayedBy) => {
        const [rows] = await manager.query<[FailureRow[], number]>(
          `UPDATE backup_failure SET status = 'replayed', replayed_at = now(), replayed_by = $2
            WHERE id = ANY($1::uuid[])
           RETURNING ${FAILURE_COLUMNS}`,
          [ids, replayedBy],
        );
        return rows.map(toFailure);
      },
      audit: (entries: readonly AuditEntryInput[]) => this.auditLog.append(manager, entries),
    };
  }
}

export function toFailure(row: FailureRow): BackupFailure {
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
    firstFailedAt: row.first_failed_at,
    createdAtMicros: row.created_micros,
    replayedAt: row.replayed_at,
    replayedBy: row.replayed_by,
  };
}

function toProblem(row: ProblemRow): Problem {
  return {
    kind: row.kind,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    version: row.version,
    failureId: row.failure_id,
    error: { class: row.error_class, code: row.code, message: row.message },
    attempts: row.attempts,
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
    nextAttemptAt: row.next_attempt_at,
    safeName: row.safe_name,
    platformId: row.platform_id,
    firstFailedMicros: row.first_micros,
    itemKey: row.item_key,
  };
}

function toClassCount(row: ClassCountRow): ClassCount {
  return { errorClass: row.error_class, failed: row.failed, parked: row.parked };
}
