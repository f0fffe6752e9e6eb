import { type DataSource, type EntityManager } from 'typeorm';
import { TranslatedQueries } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type AuditLogStore } from '../audit/audit-log.store';
import { type BackupFailure } from '../failures/backup-failure';
import { FAILURE_COLUMNS, type FailureRow, toFailure } from '../failures/pg-failure.store';
import { PROBLEMS_CTE, problemConditions } from '../failures/problem-query';
import {
  type FailureFilter,
  type ReplayItem,
  type ReplayItemReason,
  type ReplayItemState,
  type ReplayJob,
  type ReplayJobStatus,
  type ReplayOutcome,
  type JobActor,
} from './replay-job';
import {
  type BatchResult,
  type ClaimedJob,
  type DeliveredItem,
  type DueItem,
  type FailureSelection,
  type HandledItem,
  type JobPosition,
  type NewReplayJob,
  type PlannedItem,
  type ReplayBatch,
  type ReplayJobStore,
} from './replay-job.store';

interface JobRow {
  id: string;
  kind: ReplayJob['kind'];
  scope: string;
  workspace_id: string | null;
  status: ReplayJobStatus;
  selection: ReplayJob['selection'];
  rate_per_second: number;
  total: number;
  created_by: string;
  created_by_role: string;
  created_at: Date;
  created_micros: string;
  finished_at: Date | null;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  replayed: number;
  skipped: number;
  failed: number;
  to_do: number;
  applied: number;
  failed_again: number;
  parked: number;
  in_flight: number;
}

interface PlannedRow {
  failure_id: string | null;
  workspace_id: string | null;
  account_id: string | null;
  version: string | null;
  error_class: string | null;
  code: string | null;
}

/** A requested failure with the failure that replays its account now (itself, a newer one, or none). */
interface SelectedRow extends PlannedRow {
  selected_id: string;
  selected_status: string;
  superseded: boolean;
}

interface ItemRow {
  seq: number;
  failure_id: string | null;
  workspace_id: string | null;
  account_id: string | null;
  version: string | null;
  error_class: string | null;
  error_code: string | null;
  source_label: string | null;
  state: ReplayItemState;
  reason: ReplayItemReason | null;
  outcome: ReplayOutcome | null;
  outcome_code: string | null;
  delivered_topic: string | null;
  delivered_partition: number | null;
  delivered_offset: string | null;
  handled_at: Date | null;
}

/**
 * What became of a replayed item `i`, read now: `applied` when the safe holds its version or newer;
 * `failed-again` when its replayed record failed (a failure at the exact position it was delivered to);
 * `parked` when the account waits for an automatic retry of this version or newer; else `in-flight`.
 */
const ITEM_OUTCOME = `CASE
    WHEN i.state <> 'replayed' THEN NULL
    WHEN i.account_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM account_backup_state s
       WHERE s.workspace_id = i.workspace_id AND s.account_id = i.account_id AND s.applied_version >= i.version) THEN 'applied'
    WHEN EXISTS (
      SELECT 1 FROM backup_failure nf
       WHERE nf.source_topic = i.delivered_topic AND nf.source_partition = i.delivered_partition
         AND nf.source_offset = i.delivered_offset) THEN 'failed-again'
    WHEN i.account_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM pending_backup p
       WHERE p.workspace_id = i.workspace_id AND p.account_id = i.account_id AND p.version >= i.version) THEN 'parked'
    ELSE 'in-flight'
  END`;

const ITEM_OUTCOME_CODE = `(SELECT nf.error_code FROM backup_failure nf
   WHERE nf.source_topic = i.delivered_topic AND nf.source_partition = i.delivered_partition
     AND nf.source_offset = i.delivered_offset LIMIT 1)`;

/** A job row with its progress and outcome counts, computed from its items. */
const JOB_SELECT = `
  SELECT j.id, j.kind, j.scope, j.workspace_id, j.status, j.selection, j.rate_per_second, j.total,
         j.created_by, j.created_by_role, j.created_at,
         (extract(epoch FROM j.created_at) * 1000000)::bigint::text AS created_micros,
         j.finished_at, j.cancelled_at, j.cancelled_by,
         coalesce(c.replayed, 0) AS replayed, coalesce(c.skipped, 0) AS skipped,
         coalesce(c.failed, 0) AS failed, coalesce(c.to_do, 0) AS to_do,
         coalesce(c.applied, 0) AS applied, coalesce(c.failed_again, 0) AS failed_again,
         coalesce(c.parked, 0) AS parked, coalesce(c.in_flight, 0) AS in_flight
    FROM replay_job j
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE o.state = 'replayed')::int AS replayed,
             count(*) FILTER (WHERE o.state = 'skipped')::int AS skipped,
             count(*) FILTER (WHERE o.state = 'failed')::int AS failed,
             count(*) FILTER (WHERE o.state = 'to-do')::int AS to_do,
             count(*) FILTER (WHERE o.outcome = 'applied')::int AS applied,
             count(*) FILTER (WHERE o.outcome = 'failed-again')::int AS failed_again,
             count(*) FILTER (WHERE o.outcome = 'parked')::int AS parked,
             count(*) FILTER (WHERE o.outcome = 'in-flight')::int AS in_flight
        FROM (SELECT i.state, ${ITEM_OUTCOME} AS outcome FROM replay_job_item i WHERE i.job_id = j.id) o
    ) c ON true`;

export class PgReplayJobStore implements ReplayJobStore {
  private readonly queries: TranslatedQueries;

  constructor(
    dataSource: DataSource,
    private readonly auditLog: AuditLogStore,
  ) {
    this.queries = new TranslatedQueries(dataSource);
  }

  async selectByFilter(
    workspaceId: string | null,
    filter: FailureFilter,
    limit: number,
  ): Promise<PlannedItem[]> {
    const { from, to, ...exact } = filter;
    const condition = problemConditions(workspaceId === null ? 'unattributed' : { workspaceId }, {
      kind: 'failed',
      ...exact,
      ...(from === undefined ? {} : { from: new Date(from) }),
      ...(to === undefined ? {} : { to: new Date(to) }),
    });
    const rows = await this.queries.rows<PlannedRow>(
      `WITH ${PROBLEMS_CTE}
       SELECT failure_id, workspace_id, account_id, version, error_class, code
         FROM problem WHERE ${condition.where}
        ORDER BY first_failed_at, item_key COLLATE "C"
        LIMIT $${condition.parameters.length + 1}`,
      [...condition.parameters, limit + 1],
      'selecting failures to replay',
    );
    return rows.map(toPlanned);
  }

  async selectByIds(workspaceId: string | null, ids: readonly string[]): Promise<FailureSelection> {
    const rows = await this.queries.rows<SelectedRow>(
      `WITH ${PROBLEMS_CTE},
       chosen AS (
         SELECT f.id, f.workspace_id, f.account_id, f.version, f.status, f.error_class, f.error_code, f.created_at
           FROM backup_failure f WHERE f.workspace_id IS NOT DISTINCT FROM $1 AND f.id = ANY($2::uuid[])
       )
       SELECT c.id::text AS selected_id, c.status AS selected_status,
              coalesce(p.failure_id, c.id::text) AS failure_id, c.workspace_id, c.account_id,
              coalesce(p.version, c.version::text) AS version,
              coalesce(p.error_class, c.error_class) AS error_class, coalesce(p.code, c.error_code) AS code,
              p.failure_id IS NULL AS superseded
         FROM chosen c
         LEFT JOIN problem p ON p.kind = 'failed' AND p.workspace_id IS NOT DISTINCT FROM c.workspace_id
              AND ((c.account_id IS NOT NULL AND p.account_id = c.account_id) OR (c.account_id IS NULL AND p.failure_id = c.id::text))
        ORDER BY c.created_at, c.id`,
      [workspaceId, ids],
      'selecting failures to replay',
    );
    const known = new Set(rows.map((row) => row.selected_id));
    const seen = new Set<string>();
    const items: PlannedItem[] = [];
    for (const row of rows) {
      const key = row.account_id ?? row.failure_id ?? row.selected_id;
      if (seen.has(key)) continue;
      seen.add(key);
      const skip: ReplayItemReason | undefined = !row.superseded
        ? undefined
        : row.selected_status === 'open'
          ? 'superseded'
          : 'already-replayed';
      items.push({ ...toPlanned(row), ...(skip ? { skip } : {}) });
    }
    return { items, unknownIds: ids.filter((id) => !known.has(id)) };
  }

  async create(
    job: NewReplayJob,
    items: readonly PlannedItem[],
    audit: AuditEntryInput[],
  ): Promise<ReplayJob | null> {
    return this.queries.transaction('creating a replay job', async (manager) => {
      const [inserted] = await manager.query<{ id: string }[]>(
        `INSERT INTO replay_job (kind, scope, workspace_id, status, selection, rate_per_second, total, created_by, created_by_role)
         VALUES ($1, $2, $3, 'running', $4::jsonb, $5, $6, $7, $8)
         ON CONFLICT (scope) WHERE status = 'running' DO NOTHING
         RETURNING id`,
        [
          job.kind,
          job.scope,
          job.workspaceId,
          JSON.stringify(job.selection),
          job.ratePerSecond,
          items.length,
          job.createdBy.sub,
          job.createdBy.role,
        ],
      );
      if (inserted === undefined) return null;
      await this.insertItems(manager, inserted.id, items);
      const created = await this.findIn(manager, inserted.id);
      if (created === null) return null;
      await this.auditLog.append(
        manager,
        audit.map((entry) => ({ ...entry, details: { ...entry.details, jobId: created.id } })),
      );
      return created;
    });
  }

  private async insertItems(
    manager: EntityManager,
    jobId: string,
    items: readonly PlannedItem[],
  ): Promise<void> {
    const CHUNK = 5_000;
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      await manager.query(
        `INSERT INTO replay_job_item (job_id, seq, failure_id, workspace_id, account_id, version, error_class, error_code,
                                      record_ciphertext, record_workspace, source_label, state, reason, handled_at)
         SELECT $1, s.seq, s.failure_id, s.workspace_id, s.account_id, s.version, s.error_class, s.error_code,
                s.record_ciphertext, s.record_workspace, s.source_label,
                CASE WHEN s.reason IS NULL THEN 'to-do' ELSE 'skipped' END, s.reason,
                CASE WHEN s.reason IS NULL THEN NULL ELSE clock_timestamp() END
           FROM unnest($2::int[], $3::uuid[], $4::varchar[], $5::varchar[], $6::bigint[], $7::text[], $8::text[],
                       $9::text[], $10::varchar[], $11::text[], $12::varchar[])
             AS s(seq, failure_id, workspace_id, account_id, version, error_class, error_code,
                  record_ciphertext, record_workspace, source_label, reason)`,
        [
          jobId,
          chunk.map((_, index) => start + index + 1),
          chunk.map((item) => item.failureId),
          chunk.map((item) => item.workspaceId),
          chunk.map((item) => item.accountId),
          chunk.map((item) => item.version),
          chunk.map((item) => item.errorClass),
          chunk.map((item) => item.errorCode),
          chunk.map((item) => item.recordCiphertext ?? null),
          chunk.map((item) => item.recordWorkspaceId ?? null),
          chunk.map((item) => item.source ?? null),
          chunk.map((item) => item.skip ?? null),
        ],
      );
    }
  }

  async failures(ids: readonly string[]): Promise<BackupFailure[]> {
    const rows = await this.queries.rows<FailureRow>(
      `SELECT ${FAILURE_COLUMNS} FROM backup_failure WHERE id = ANY($1::uuid[])`,
      [ids],
      'reading failures to plan a replay',
    );
    return rows.map(toFailure);
  }

  async audit(entries: readonly AuditEntryInput[]): Promise<void> {
    await this.queries.transaction('auditing a replay plan', (manager) =>
      this.auditLog.append(manager, entries),
    );
  }

  async find(jobId: string): Promise<ReplayJob | null> {
    const rows = await this.queries.rows<JobRow>(
      `${JOB_SELECT} WHERE j.id = $1`,
      [jobId],
      'reading a replay job',
    );
    return rows[0] === undefined ? null : toJob(rows[0]);
  }

  private async findIn(manager: EntityManager, jobId: string): Promise<ReplayJob | null> {
    const rows = await manager.query<JobRow[]>(`${JOB_SELECT} WHERE j.id = $1`, [jobId]);
    return rows[0] === undefined ? null : toJob(rows[0]);
  }

  async running(scope: string): Promise<ReplayJob | null> {
    const rows = await this.queries.rows<JobRow>(
      `${JOB_SELECT} WHERE j.scope = $1 AND j.status = 'running'`,
      [scope],
      'reading the running replay job',
    );
    return rows[0] === undefined ? null : toJob(rows[0]);
  }

  async page(options: {
    workspaceId?: string;
    status?: ReplayJobStatus;
    after?: JobPosition;
    limit: number;
  }): Promise<{ items: ReplayJob[]; next: JobPosition | null }> {
    const rows = await this.queries.rows<JobRow>(
      `${JOB_SELECT}
        WHERE ($1::varchar IS NULL OR j.workspace_id = $1) AND ($2::varchar IS NULL OR j.status = $2)
          AND ($3::bigint IS NULL OR ((extract(epoch FROM j.created_at) * 1000000)::bigint, j.id) < ($3::bigint, $4::uuid))
        ORDER BY j.created_at DESC, j.id DESC
        LIMIT $5`,
      [
        options.workspaceId ?? null,
        options.status ?? null,
        options.after?.createdAtMicros ?? null,
        options.after?.id ?? null,
        options.limit + 1,
      ],
      'listing replay jobs',
    );
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page.map(toJob),
      next:
        rows.length > options.limit && last !== undefined
          ? { createdAtMicros: last.created_micros, id: last.id }
          : null,
    };
  }

  async items(
    jobId: string,
    options: { state?: ReplayItemState; outcome?: ReplayOutcome; afterSeq?: number; limit: number },
  ): Promise<{ items: ReplayItem[]; next: number | null }> {
    const rows = await this.queries.rows<ItemRow>(
      `SELECT * FROM (
         SELECT i.seq, i.failure_id::text AS failure_id, i.workspace_id, i.account_id, i.version::text AS version,
                i.error_class, i.error_code, i.source_label, i.state, i.reason,
                ${ITEM_OUTCOME} AS outcome, ${ITEM_OUTCOME_CODE} AS outcome_code,
                i.delivered_topic, i.delivered_partition, i.delivered_offset::text AS delivered_offset, i.handled_at
           FROM replay_job_item i
          WHERE i.job_id = $1 AND ($2::varchar IS NULL OR i.state = $2) AND i.seq > $3
       ) item
       WHERE ($4::varchar IS NULL OR item.outcome = $4)
       ORDER BY item.seq
       LIMIT $5`,
      [jobId, options.state ?? null, options.afterSeq ?? 0, options.outcome ?? null, options.limit + 1],
      'reading a replay job report',
    );
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return { items: page.map(toItem), next: rows.length > options.limit && last ? last.seq : null };
  }

  async cancel(
    jobId: string,
    actor: JobActor,
    audit: (job: ReplayJob) => AuditEntryInput,
  ): Promise<ReplayJob | null> {
    return this.queries.transaction('cancelling a replay job', async (manager) => {
      const [, changed] = await manager.query<[unknown[], number]>(
        `UPDATE replay_job SET status = 'cancelled', cancelled_at = clock_timestamp(), cancelled_by = $2,
                lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND status = 'running'`,
        [jobId, actor.sub],
      );
      if (changed === 0) return null;
      const job = await this.findIn(manager, jobId);
      if (job !== null) await this.auditLog.append(manager, [audit(job)]);
      return job;
    });
  }

  async resume(
    jobId: string,
    audit: (job: ReplayJob) => AuditEntryInput,
  ): Promise<ReplayJob | 'active' | null> {
    return this.queries.transaction('resuming a replay job', async (manager) => {
      const [row] = await manager.query<{ scope: string; status: string }[]>(
        `SELECT scope, status FROM replay_job WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (row?.status !== 'cancelled') return null;
      const [, changed] = await manager.query<[unknown[], number]>(
        `UPDATE replay_job SET status = 'running', cancelled_at = NULL, cancelled_by = NULL
          WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM replay_job o WHERE o.scope = $2 AND o.status = 'running')`,
        [jobId, row.scope],
      );
      if (changed === 0) return 'active';
      const job = await this.findIn(manager, jobId);
      if (job !== null) await this.auditLog.append(manager, [audit(job)]);
      return job;
    });
  }

  async inFlight(jobId: string): Promise<DeliveredItem[]> {
    const rows = await this.queries.rows<{ seq: number; topic: string; partition: number; offset: string }>(
      `SELECT seq, delivered_topic AS topic, delivered_partition AS partition, delivered_offset::text AS offset
         FROM replay_job_item i
        WHERE i.job_id = $1 AND i.state = 'replayed' AND ${ITEM_OUTCOME} = 'in-flight'`,
      [jobId],
      'reading replayed records in flight',
    );
    return rows;
  }

  async claim(owner: string, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const rows = await this.queries.updated<{
      id: string;
      kind: ReplayJob['kind'];
      rate_per_second: number;
      workspace_id: string | null;
    }>(
      `UPDATE replay_job SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (
          SELECT id FROM replay_job
           WHERE status = 'running' AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < clock_timestamp())
           ORDER BY created_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING id, rate_per_second, kind, workspace_id`,
      [owner, leaseMs, limit],
      'claiming replay jobs',
    );
    return rows.map((row) => ({
      id: row.id,
      ratePerSecond: row.rate_per_second,
      workspaceId: row.workspace_id,
      kind: row.kind,
    }));
  }

  async release(owner: string): Promise<void> {
    await this.queries.rows(
      `UPDATE replay_job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`,
      [owner],
      'releasing replay jobs',
    );
  }

  async runBatch(
    jobId: string,
    owner: string,
    options: { limit: number; leaseMs: number },
    work: (batch: ReplayBatch) => Promise<HandledItem[]>,
  ): Promise<BatchResult> {
    return this.queries.transaction('replaying a batch', async (manager) => {
      const [locked] = await manager.query<{ id: string }[]>(
        `SELECT id FROM replay_job WHERE id = $1 AND status = 'running' AND lease_owner = $2 FOR UPDATE`,
        [jobId, owner],
      );
      if (locked === undefined) return 'not-running' as const;
      const job = await this.findIn(manager, jobId);
      if (job === null) return 'not-running' as const;
      const due = await this.dueItems(manager, jobId, options.limit);
      const handled = await work({ job, due });
      await this.recordHandled(manager, jobId, handled);
      const [left] = await manager.query<{ to_do: number }[]>(
        `SELECT count(*)::int AS to_do FROM replay_job_item WHERE job_id = $1 AND state = 'to-do'`,
        [jobId],
      );
      const finished = (left?.to_do ?? 0) === 0;
      await manager.query(
        finished
          ? `UPDATE replay_job SET status = 'completed', finished_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL WHERE id = $1`
          : `UPDATE replay_job SET lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000) WHERE id = $1`,
        finished ? [jobId] : [jobId, options.leaseMs],
      );
      if (finished) {
        const done = await this.findIn(manager, jobId);
        if (done !== null) await this.auditLog.append(manager, [finishedEntry(done)]);
      }
      return { handled: handled.length, finished };
    });
  }

  /**
   * The next to-do items with their failures locked; each resolved to its account's newest open
   * failure now (a newer version may have failed since the job was planned), or marked to skip when
   * the safe or a parked retry already holds that version or newer.
   */
  private async dueItems(manager: EntityManager, jobId: string, limit: number): Promise<DueItem[]> {
    const items = await manager.query<
      {
        seq: number;
        failure_id: string | null;
        record_ciphertext: string | null;
        record_workspace: string | null;
        source_label: string | null;
      }[]
    >(
      `SELECT seq, failure_id::text AS failure_id, record_ciphertext, record_workspace, source_label FROM replay_job_item
        WHERE job_id = $1 AND state = 'to-do' ORDER BY seq LIMIT $2 FOR UPDATE`,
      [jobId, limit],
    );
    const failureIds = items.flatMap((item) => (item.failure_id === null ? [] : [item.failure_id]));
    const targets = await manager.query<(FailureRow & { planned_id: string; superseded: boolean })[]>(
      `WITH planned AS (SELECT * FROM backup_failure WHERE id = ANY($1::uuid[])),
       target AS (
         SELECT p.id AS planned_id, coalesce((
           SELECT n.id FROM backup_failure n
            WHERE n.status = 'open' AND p.account_id IS NOT NULL
              AND n.workspace_id = p.workspace_id AND n.account_id = p.account_id
              AND (n.version, n.created_at, n.id) > (p.version, p.created_at, p.id)
            ORDER BY n.version DESC, n.created_at DESC, n.id DESC LIMIT 1), p.id) AS target_id
           FROM planned p)
       SELECT t.planned_id::text AS planned_id, ${FAILURE_COLUMNS},
              (EXISTS (SELECT 1 FROM account_backup_state s
                        WHERE s.workspace_id = f.workspace_id AND s.account_id = f.account_id AND s.applied_version >= f.version)
               OR EXISTS (SELECT 1 FROM pending_backup pb
                        WHERE pb.workspace_id = f.workspace_id AND pb.account_id = f.account_id AND pb.version >= f.version)) AS superseded
         FROM target t JOIN backup_failure f ON f.id = t.target_id
        ORDER BY f.id
        FOR UPDATE OF f`,
      [failureIds],
    );
    const byPlanned = new Map(targets.map((row) => [row.planned_id, row]));
    return items.map((item) => {
      const target = item.failure_id === null ? undefined : byPlanned.get(item.failure_id);
      const failure = target === undefined ? null : toFailure(target);
      return {
        seq: item.seq,
        failure,
        recordCiphertext: item.record_ciphertext,
        recordWorkspaceId: item.record_workspace,
        source: item.source_label,
        skip: skipReason(item.failure_id, failure, target?.superseded ?? false),
      };
    });
  }

  private async recordHandled(
    manager: EntityManager,
    jobId: string,
    handled: readonly HandledItem[],
  ): Promise<void> {
    if (handled.length === 0) return;
    await manager.query(
      `UPDATE replay_job_item i
          SET state = h.state, reason = h.reason, handled_at = clock_timestamp(),
              failure_id = coalesce(h.failure_id, i.failure_id), version = coalesce(h.version, i.version),
              delivered_topic = h.topic, delivered_partition = h.partition, delivered_offset = h.offset
         FROM unnest($2::int[], $3::varchar[], $4::varchar[], $5::uuid[], $6::bigint[], $7::text[], $8::int[], $9::bigint[])
           AS h(seq, state, reason, failure_id, version, topic, partition, "offset")
        WHERE i.job_id = $1 AND i.seq = h.seq`,
      [
        jobId,
        handled.map((item) => item.seq),
        handled.map((item) => item.state),
        handled.map((item) => item.reason ?? null),
        handled.map((item) => item.failure?.id ?? null),
        handled.map((item) => item.failure?.version ?? null),
        handled.map((item) => item.deliveredTo?.topic ?? null),
        handled.map((item) => item.deliveredTo?.partition ?? null),
        handled.map((item) => item.deliveredTo?.offset ?? null),
      ],
    );
    const replayedFailures = handled.flatMap((item) =>
      item.state === 'replayed' && item.failure ? [item.failure.id] : [],
    );
    if (replayedFailures.length === 0) return;
    await manager.query(
      `UPDATE backup_failure SET status = 'replayed', replayed_at = now(), replayed_by = $2
        WHERE id = ANY($1::uuid[]) AND status = 'open'`,
      [replayedFailures, `replay-job:${jobId}`],
    );
  }
}

function skipReason(
  plannedId: string | null,
  failure: ReturnType<typeof toFailure> | null,
  superseded: boolean,
): ReplayItemReason | null {
  if (plannedId === null) return null;
  if (failure === null || failure.status !== 'open') return 'already-replayed';
  return superseded ? 'superseded' : null;
}

function finishedEntry(job: ReplayJob): AuditEntryInput {
  return {
    workspaceId: job.workspaceId ?? job.scope,
    actor: { sub: 'vault-backup', role: 'system', requestId: job.id },
    action: 'replay-job-finished',
    details: { jobId: job.id, kind: job.kind, progress: job.progress },
  };
}

function toPlanned(row: PlannedRow): PlannedItem {
  return {
    failureId: row.failure_id,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    version: row.version,
    errorClass: row.error_class,
    errorCode: row.code,
  };
}

function toJob(row: JobRow): ReplayJob {
  return {
    id: row.id,
    kind: row.kind,
    scope: row.scope,
    workspaceId: row.workspace_id,
    status: row.status,
    selection: row.selection,
    ratePerSecond: row.rate_per_second,
    createdBy: { sub: row.created_by, role: row.created_by_role },
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    cancelledAt: row.cancelled_at,
    cancelledBy: row.cancelled_by,
    progress: {
      total: row.total,
      replayed: row.replayed,
      skipped: row.skipped,
      failed: row.failed,
      toDo: row.to_do,
    },
    outcome: {
      applied: row.applied,
      failedAgain: row.failed_again,
      parked: row.parked,
      inFlight: row.in_flight,
      notWritten: 0,
    },
  };
}

function toItem(row: ItemRow): ReplayItem {
  return {
    seq: row.seq,
    failureId: row.failure_id,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    version: row.version,
    errorClass: row.error_class,
    errorCode: row.error_code,
    source: row.source_label,
    state: row.state,
    reason: row.reason,
    outcome: row.outcome,
    outcomeCode: row.outcome_code,
    deliveredTo:
      row.delivered_topic !== null && row.delivered_partition !== null && row.delivered_offset !== null
        ? { topic: row.delivered_topic, partition: row.delivered_partition, offset: row.delivered_offset }
        : null,
    handledAt: row.handled_at,
  };
}
