import { setTimeout as sleep } from 'node:timers/promises';
import { type QueryRunner } from 'typeorm';
import { AppError } from '@vault-backup/errors';

/**
 * The PostgreSQL advisory-lock key every migrator of this schema takes: the ASCII bytes of "vaultbkp"
 * as a signed 64-bit integer (0x7661756c74626b70). Advisory locks are per database, so two databases on
 * one server never block each other. In pg_locks it shows as classid 1986098540, objid 1952607088, objsubid 1.
 */
export const MIGRATION_LOCK_KEY = '8530228277885954928';

/** How long a migrator waits for another one to finish before it gives up (DATABASE_MIGRATION_LOCK_TIMEOUT). */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_MS = 120_000;

export interface MigrationLockOptions {
  /** Give up with a MigrationLockTimeoutError when the lock is still held after this long. */
  readonly lockTimeoutMs?: number;
  /** Pause between two pg_try_advisory_lock attempts. */
  readonly pollIntervalMs?: number;
  /** Called once, when the first attempt finds the lock taken (e.g. to log that this migrator waits). */
  readonly onWait?: (holder: MigrationLockHolder | undefined) => void;
}

/** The session holding the lock, as pg_stat_activity describes it (when it is still visible). */
export interface MigrationLockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly backendStart: string | null;
}

/** Another migrator kept the migration lock longer than this one was allowed to wait. */
export class MigrationLockTimeoutError extends AppError {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';
  readonly retriable = true;

  constructor(
    readonly waitedMs: number,
    readonly holder: MigrationLockHolder | undefined,
  ) {
    super(
      `could not take the migration lock (pg_advisory_lock(${MIGRATION_LOCK_KEY})) within ${waitedMs} ms: ` +
        `${describeHolder(holder)}. Another replica or the migration Job is applying migrations; wait for it ` +
        `and retry, raise DATABASE_MIGRATION_LOCK_TIMEOUT for long migrations, or end a stuck session ` +
        `with SELECT pg_terminate_backend(<pid>)`,
    );
  }
}

function describeHolder(holder: MigrationLockHolder | undefined): string {
  if (!holder) return 'held by another session';
  const from = holder.clientAddress ? ` from ${holder.clientAddress}` : '';
  const since = holder.backendStart ? `, connected since ${holder.backendStart}` : '';
  return `held by pid ${holder.pid} (application '${holder.applicationName}'${from}${since})`;
}

/**
 * Takes the session-level migration lock on the query runner's connection, polling pg_try_advisory_lock
 * until `lockTimeoutMs` has passed. Polling (rather than a blocking pg_advisory_lock) keeps the wait
 * independent of the connection's statement_timeout and lets the error name the holder.
 * The lock lives as long as the session: release it with releaseMigrationLock on the same runner.
 */
export async function acquireMigrationLock(
  queryRunner: QueryRunner,
  options: MigrationLockOptions = {},
): Promise<void> {
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_MIGRATION_LOCK_TIMEOUT_MS;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const started = Date.now();
  let waiting = false;
  for (;;) {
    if (await tryLock(queryRunner)) return;
    const waited = Date.now() - started;
    if (!waiting) {
      waiting = true;
      options.onWait?.(await findLockHolder(queryRunner));
    }
    if (waited >= lockTimeoutMs) {
      throw new MigrationLockTimeoutError(lockTimeoutMs, await findLockHolder(queryRunner));
    }
    await sleep(Math.min(pollIntervalMs, lockTimeoutMs - waited));
  }
}

/** Releases the lock taken by acquireMigrationLock; true when this session held it. */
export async function releaseMigrationLock(queryRunner: QueryRunner): Promise<boolean> {
  const rows = (await queryRunner.query('SELECT pg_advisory_unlock($1::bigint) AS released', [
    MIGRATION_LOCK_KEY,
  ])) as Array<{ released: boolean }>;
  return rows[0]?.released === true;
}

async function tryLock(queryRunner: QueryRunner): Promise<boolean> {
  const rows = (await queryRunner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
    MIGRATION_LOCK_KEY,
  ])) as Array<{ locked: boolean }>;
  return rows[0]?.locked === true;
}

/** Best effort: the lock may be released between the attempt and this query, or be invisible to this role. */
export async function findLockHolder(queryRunner: QueryRunner): Promise<MigrationLockHolder | undefined> {
  const rows = (await queryRunner.query(
    `SELECT a.pid, coalesce(a.application_name, '') AS application_name,
            host(a.client_addr) AS client_address, a.backend_start::text AS backend_start
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ($1::bigint >> 32)::oid
        AND l.objid = ($1::bigint & 4294967295)::oid
        AND l.objsubid = 1
      LIMIT 1`,
    [MIGRATION_LOCK_KEY],
  )) as Array<{
    pid: number;
    application_name: string;
    client_address: string | null;
    backend_start: string | null;
  }>;
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: Number(row.pid),
    applicationName: row.application_name,
    clientAddress: row.client_address,
    backendStart: row.backend_start,
  };
}
