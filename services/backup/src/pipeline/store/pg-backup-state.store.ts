import { type DataSource, type EntityManager } from 'typeorm';
import { translateDatabaseError } from '@vault-backup/persistence';
import { type BackupFailure } from '../domain/backup-failure';
import { accountKey } from '../domain/account-snapshot';
import { type AccountFingerprint } from '../mapping/account-fingerprint';
import { type BackupStateStore, type PendingSummary } from './backup-state.store';
import {
  type AccountRef,
  type AccountState,
  type FenceAnswer,
  type LeaseClaim,
  type OutcomeWrite,
  type PendingBackup,
} from './backup-state.types';

interface StateRow {
  workspace_id: string;
  account_id: string;
  applied_version: string;
  cyberark_account_id: string | null;
  cyberark_name: string;
  fingerprint: AccountFingerprint;
  last_event_id: string;
}

/** One fence request's answer, LEFT JOINed with the stored state (all null when nothing is stored). */
type FenceRow = Pick<StateRow, 'workspace_id' | 'account_id'> & {
  [column in Exclude<keyof StateRow, 'workspace_id' | 'account_id'>]: StateRow[column] | null;
} & {
  granted: boolean;
  prior_version: string | null;
  prior_owner: string | null;
  settle_ms: string | null;
  requested_version: string;
};

interface PendingRow {
  workspace_id: string;
  account_id: string;
  version: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  record_ciphertext: string;
  attempts: number;
  first_failed_at: Date;
  next_attempt_at: Date;
  last_error_class: string;
  last_error_code: string | null;
  last_error_message: string;
}

/**
 * PostgreSQL adapter of BackupStateStore. Batches go through `unnest` so a Kafka batch costs a
 * constant number of round trips whatever its size; the conditional upsert
 * (`WHERE applied_version < EXCLUDED.applied_version`) is the last line against a rollback.
 */
export class PgBackupStateStore implements BackupStateStore {
  constructor(private readonly dataSource: DataSource) {}

  async beginWrites(starts: readonly LeaseClaim[], owner: string): Promise<Map<string, FenceAnswer>> {
    if (starts.length === 0) return new Map();
    const rows = await this.query<FenceRow>(
      `WITH req AS (
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::bigint[]) AS r(w, a, v)
       ),
       granted AS (
         INSERT INTO account_write_fence AS f (workspace_id, account_id, started_version, owner, started_at)
         SELECT req.w, req.a, req.v, $4, now() FROM req
          WHERE NOT EXISTS (SELECT 1 FROM account_backup_state s
                             WHERE s.workspace_id = req.w AND s.account_id = req.a AND s.applied_version >= req.v)
         ON CONFLICT (workspace_id, account_id) DO UPDATE
            SET started_version = EXCLUDED.started_version, owner = EXCLUDED.owner, started_at = EXCLUDED.started_at,
                prior_version = f.started_version, prior_owner = f.owner, settle_until = NULL
          WHERE f.started_version <= EXCLUDED.started_version
            AND (f.settle_until IS NULL OR f.settle_until <= now())
         RETURNING f.workspace_id, f.account_id, f.prior_version, f.prior_owner
       )
       SELECT req.w AS workspace_id, req.a AS account_id, req.v AS requested_version,
              g.account_id IS NOT NULL AS granted,
              g.prior_version, g.prior_owner,
              s.applied_version, s.cyberark_account_id, s.cyberark_name, s.fingerprint, s.last_event_id,
              CASE WHEN f.settle_until > now() AND f.started_version <= req.v
                   THEN ceil(extract(epoch FROM f.settle_until - now()) * 1000) END AS settle_ms
         FROM req
         LEFT JOIN granted g ON g.workspace_id = req.w AND g.account_id = req.a
         LEFT JOIN account_backup_state s ON s.workspace_id = req.w AND s.account_id = req.a
         LEFT JOIN account_write_fence f ON f.workspace_id = req.w AND f.account_id = req.a`,
      [starts.map((s) => s.workspaceId), starts.map((s) => s.accountId), starts.map((s) => s.version), owner],
      'taking the write fence',
    );
    const answers = new Map<string, FenceAnswer>();
    for (const row of rows) {
      const answer = toFenceAnswer(row);
      if (answer) answers.set(accountKey(row.workspace_id, row.account_id), answer);
    }
    return answers;
  }

  async settleAbandonedWrite(start: LeaseClaim, owner: string, settleMs: number): Promise<void> {
    await this.query(
      `UPDATE account_write_fence
          SET settle_until = now() + make_interval(secs => $5::double precision / 1000)
        WHERE workspace_id = $1 AND account_id = $2 AND started_version = $3 AND owner = $4`,
      [start.workspaceId, start.accountId, start.version, owner, settleMs],
      'holding the write fence for an abandoned write',
    );
  }

  async loadPendingVersions(refs: readonly AccountRef[]): Promise<Map<string, number>> {
    if (refs.length === 0) return new Map();
    const rows = await this.query<{ workspace_id: string; account_id: string; version: string }>(
      `SELECT p.workspace_id, p.account_id, p.version
         FROM pending_backup p
         JOIN unnest($1::varchar[], $2::varchar[]) AS r(workspace_id, account_id)
           ON p.workspace_id = r.workspace_id AND p.account_id = r.account_id`,
      [refs.map((ref) => ref.workspaceId), refs.map((ref) => ref.accountId)],
      'loading parked versions',
    );
    return new Map(rows.map((row) => [accountKey(row.workspace_id, row.account_id), Number(row.version)]));
  }

  async claimLeases(claims: readonly LeaseClaim[], owner: string, ttlMs: number): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const rows = await this.query<{ workspace_id: string; account_id: string }>(
      `INSERT INTO account_write_lease AS l (workspace_id, account_id, owner, version, lease_until)
       SELECT w, a, $3, v, now() + make_interval(secs => $4::double precision / 1000)
         FROM unnest($1::varchar[], $2::varchar[], $5::bigint[]) AS t(w, a, v)
       ON CONFLICT (workspace_id, account_id) DO UPDATE
          SET owner = EXCLUDED.owner, version = EXCLUDED.version, lease_until = EXCLUDED.lease_until
        WHERE l.lease_until < now() OR l.owner = EXCLUDED.owner
       RETURNING workspace_id, account_id`,
      [
        claims.map((c) => c.workspaceId),
        claims.map((c) => c.accountId),
        owner,
        ttlMs,
        claims.map((c) => c.version),
      ],
      'claiming write leases',
    );
    return new Set(rows.map((row) => accountKey(row.workspace_id, row.account_id)));
  }

  async saveOutcomes(write: OutcomeWrite): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await upsertStates(manager, write.applied);
        await deleteResolvedPending(manager, write.resolvedPending);
        await upsertPending(manager, write.deferred);
        await insertFailures(manager, write);
        await addSkipped(manager, write.skippedByWorkspace);
        await releaseLeases(manager, write.releasedLeases);
      });
    } catch (error) {
      throw translateDatabaseError(error, 'saving batch outcomes');
    }
  }

  async duePending(
    partitions: readonly { topic: string; partition: number }[],
    now: Date,
    limit: number,
  ): Promise<PendingBackup[]> {
    if (partitions.length === 0) return [];
    const rows = await this.query<PendingRow>(
      `SELECT p.* FROM pending_backup p
         JOIN unnest($1::text[], $2::int[]) AS o(topic, partition)
           ON p.source_topic = o.topic AND p.source_partition = o.partition
        WHERE p.next_attempt_at <= $3
        ORDER BY p.next_attempt_at
        LIMIT $4`,
      [partitions.map((p) => p.topic), partitions.map((p) => p.partition), now, limit],
      'loading due parked backups',
    );
    return rows.map(toPendingBackup);
  }

  async expeditePending(workspaceIds: readonly string[]): Promise<number> {
    if (workspaceIds.length === 0) return 0;
    const rows = await this.query<{ account_id: string }>(
      `UPDATE pending_backup SET next_attempt_at = now(), updated_at = now()
        WHERE workspace_id = ANY($1::varchar[]) AND next_attempt_at > now()
          AND last_error_class IN ('unavailable', 'throttled')
        RETURNING account_id`,
      [workspaceIds],
      'expediting parked backups',
    );
    return rows.length;
  }

  async postponePending(
    ref: AccountRef,
    version: number,
    nextAttemptAt: Date,
    failure?: BackupFailure,
  ): Promise<void> {
    if (failure === undefined) {
      await this.query(
        `UPDATE pending_backup SET next_attempt_at = $4, updated_at = now()
          WHERE workspace_id = $1 AND account_id = $2 AND version = $3`,
        [ref.workspaceId, ref.accountId, version, nextAttemptAt],
        'postponing a parked backup',
      );
      return;
    }
    await this.query(
      `UPDATE pending_backup
          SET next_attempt_at = $4, attempts = attempts + 1, last_error_class = $5, last_error_code = $6,
              last_error_message = $7, updated_at = now()
        WHERE workspace_id = $1 AND account_id = $2 AND version = $3`,
      [
        ref.workspaceId,
        ref.accountId,
        version,
        nextAttemptAt,
        failure.errorClass,
        failure.code,
        failure.message,
      ],
      'recording a failed attempt of a parked backup',
    );
  }

  async pendingSummary(): Promise<PendingSummary> {
    const [row] = await this.query<{ count: string; oldest: Date | null; budget_used: number | null }>(
      `SELECT count(*) AS count,
              min(p.first_failed_at) AS oldest,
              max(extract(epoch FROM now() - p.first_failed_at) / coalesce(c.retry_budget_seconds, 86400)) AS budget_used
         FROM pending_backup p
         LEFT JOIN backup_configuration c ON c.workspace_id = p.workspace_id`,
      [],
      'summarising parked backups',
    );
    return {
      count: Number(row?.count ?? 0),
      oldestFirstFailedAt: row?.oldest ?? null,
      retryBudgetUsedRatio: Number(row?.budget_used ?? 0),
    };
  }

  private async query<T>(sql: string, parameters: unknown[], what: string): Promise<T[]> {
    try {
      return await this.dataSource.query<T[]>(sql, parameters);
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }
}

async function upsertStates(manager: EntityManager, states: readonly AccountState[]): Promise<void> {
  if (states.length === 0) return;
  await manager.query(
    `INSERT INTO account_backup_state
            (workspace_id, account_id, applied_version, cyberark_account_id, cyberark_name, fingerprint, last_event_id, updated_at)
     SELECT w, a, v, c, n, f, e, now()
       FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::text[]) AS t(w, a, v, c, n, f, e)
     ON CONFLICT (workspace_id, account_id) DO UPDATE
        SET applied_version = EXCLUDED.applied_version,
            cyberark_account_id = EXCLUDED.cyberark_account_id,
            cyberark_name = EXCLUDED.cyberark_name,
            fingerprint = EXCLUDED.fingerprint,
            last_event_id = EXCLUDED.last_event_id,
            updated_at = now()
      WHERE account_backup_state.applied_version < EXCLUDED.applied_version`,
    [
      states.map((s) => s.workspaceId),
      states.map((s) => s.accountId),
      states.map((s) => s.appliedVersion),
      states.map((s) => s.cyberArkAccountId),
      states.map((s) => s.cyberArkName),
      states.map((s) => JSON.stringify(s.fingerprint)),
      states.map((s) => s.lastEventId),
    ],
  );
}

async function deleteResolvedPending(
  manager: EntityManager,
  resolved: OutcomeWrite['resolvedPending'],
): Promise<void> {
  if (resolved.length === 0) return;
  await manager.query(
    `DELETE FROM pending_backup p
      USING unnest($1::varchar[], $2::varchar[], $3::bigint[]) AS r(w, a, v)
      WHERE p.workspace_id = r.w AND p.account_id = r.a AND p.version <= r.v`,
    [
      resolved.map((r) => r.workspaceId),
      resolved.map((r) => r.accountId),
      resolved.map((r) => r.upToVersion),
    ],
  );
}

async function upsertPending(manager: EntityManager, pending: readonly PendingBackup[]): Promise<void> {
  if (pending.length === 0) return;
  await manager.query(
    `INSERT INTO pending_backup
            (workspace_id, account_id, version, source_topic, source_partition, source_offset, record_ciphertext,
             attempts, first_failed_at, next_attempt_at, last_error_class, last_error_code, last_error_message, updated_at)
     SELECT *, now() FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::text[],
                                 $8::int[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::text[])
     ON CONFLICT (workspace_id, account_id) DO UPDATE
        SET version = EXCLUDED.version,
            source_topic = EXCLUDED.source_topic,
            source_partition = EXCLUDED.source_partition,
            source_offset = EXCLUDED.source_offset,
            record_ciphertext = EXCLUDED.record_ciphertext,
            attempts = GREATEST(pending_backup.attempts, EXCLUDED.attempts),
            first_failed_at = LEAST(pending_backup.first_failed_at, EXCLUDED.first_failed_at),
            next_attempt_at = EXCLUDED.next_attempt_at,
            last_error_class = EXCLUDED.last_error_class,
            last_error_code = EXCLUDED.last_error_code,
            last_error_message = EXCLUDED.last_error_message,
            updated_at = now()
      WHERE pending_backup.version <= EXCLUDED.version`,
    [
      pending.map((p) => p.workspaceId),
      pending.map((p) => p.accountId),
      pending.map((p) => p.version),
      pending.map((p) => p.source.topic),
      pending.map((p) => p.source.partition),
      pending.map((p) => p.source.offset),
      pending.map((p) => p.recordCiphertext),
      pending.map((p) => p.attempts),
      pending.map((p) => p.firstFailedAt),
      pending.map((p) => p.nextAttemptAt),
      pending.map((p) => p.lastErrorClass),
      pending.map((p) => p.lastErrorCode),
      pending.map((p) => p.lastErrorMessage),
    ],
  );
}

async function insertFailures(manager: EntityManager, write: OutcomeWrite): Promise<void> {
  for (const failure of write.failures) {
    await manager.query(
      `INSERT INTO backup_failure
              (workspace_id, account_id, version, event_id, source_topic, source_partition, source_offset,
               error_class, error_code, error_message, attempts, record_ciphertext, dlq_topic, dlq_partition, dlq_offset,
               record_purpose, first_failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, coalesce($17::timestamptz, now()))
       ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`,
      [
        failure.workspaceId ?? null,
        failure.accountId ?? null,
        failure.version ?? null,
        failure.eventId ?? null,
        failure.source.topic,
        failure.source.partition,
        failure.source.offset,
        failure.errorClass,
        failure.errorCode,
        failure.errorMessage,
        failure.attempts,
        failure.recordCiphertext,
        failure.deadLetter.topic,
        failure.deadLetter.partition ?? null,
        failure.deadLetter.offset ?? null,
        failure.sealedAs ?? 'backup-failure',
        failure.firstFailedAt ?? null,
      ],
    );
  }
}

async function addSkipped(manager: EntityManager, skipped: ReadonlyMap<string, number>): Promise<void> {
  if (skipped.size === 0) return;
  await manager.query(
    `INSERT INTO skipped_event_stats (workspace_id, skipped_count, last_skipped_at)
     SELECT w, c, now() FROM unnest($1::varchar[], $2::bigint[]) AS t(w, c)
     ON CONFLICT (workspace_id) DO UPDATE
        SET skipped_count = skipped_event_stats.skipped_count + EXCLUDED.skipped_count, last_skipped_at = now()`,
    [[...skipped.keys()], [...skipped.values()]],
  );
}

async function releaseLeases(
  manager: EntityManager,
  released: OutcomeWrite['releasedLeases'],
): Promise<void> {
  if (!released || released.claims.length === 0) return;
  await manager.query(
    `DELETE FROM account_write_lease l
      USING unnest($1::varchar[], $2::varchar[], $3::bigint[]) AS r(w, a, v)
      WHERE l.workspace_id = r.w AND l.account_id = r.a AND l.version = r.v AND l.owner = $4`,
    [
      released.claims.map((c) => c.workspaceId),
      released.claims.map((c) => c.accountId),
      released.claims.map((c) => c.version),
      released.owner,
    ],
  );
}

function toAccountState(row: StateRow): AccountState {
  return {
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    appliedVersion: Number(row.applied_version),
    cyberArkAccountId: row.cyberark_account_id,
    cyberArkName: row.cyberark_name,
    fingerprint: row.fingerprint,
    lastEventId: row.last_event_id,
  };
}

function toFenceAnswer(row: FenceRow): FenceAnswer | undefined {
  if (!row.granted) {
    const storedVersion = row.applied_version === null ? 0 : Number(row.applied_version);
    // Refused because of a newer version: absent from the answer. Refused while settling: wait.
    if (row.settle_ms === null || storedVersion >= Number(row.requested_version)) return undefined;
    return { kind: 'settling', waitMs: Math.max(1, Number(row.settle_ms)) };
  }
  const stored = row.applied_version === null ? undefined : toAccountState(row as StateRow);
  // Set only when the grant updated an existing fence: the write started before this one.
  const prior =
    row.prior_version !== null && row.prior_owner !== null
      ? { version: Number(row.prior_version), owner: row.prior_owner }
      : undefined;
  return { kind: 'granted', ...(stored ? { stored } : {}), ...(prior ? { prior } : {}) };
}

function toPendingBackup(row: PendingRow): PendingBackup {
  return {
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    version: Number(row.version),
    source: { topic: row.source_topic, partition: row.source_partition, offset: row.source_offset },
    recordCiphertext: row.record_ciphertext,
    attempts: row.attempts,
    firstFailedAt: row.first_failed_at,
    nextAttemptAt: row.next_attempt_at,
    lastErrorClass: row.last_error_class,
    lastErrorCode: row.last_error_code ?? '',
    lastErrorMessage: row.last_error_message,
  };
}
