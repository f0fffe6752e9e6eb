import { type DataSource } from 'typeorm';

let nextOffset = 1;

/** Minutes from now, for readable fixtures. */
export const minutesAgo = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

export interface FailureRowInput {
  readonly workspaceId: string | null;
  readonly accountId: string | null;
  readonly version: number | null;
  readonly errorClass: string;
  readonly code: string;
  readonly message: string;
  readonly attempts?: number;
  readonly createdAt?: Date;
  /** A parked backup given up: earlier than createdAt. Unset = as rows written before the column (createdAt). */
  readonly firstFailedAt?: Date;
  readonly status?: 'open' | 'replayed' | 'resolved';
}

/** A failure row as the pipeline writes it; its record is never opened by the listing, so a stand-in seals it. */
export async function insertFailureRow(dataSource: DataSource, row: FailureRowInput): Promise<string> {
  const offset = nextOffset++;
  const [inserted] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO backup_failure (workspace_id, account_id, version, event_id, source_topic, source_partition, source_offset,
                                 error_class, error_code, error_message, attempts, record_ciphertext, dlq_topic, status, created_at,
                                 first_failed_at)
     VALUES ($1, $2, $3, $4, 'problems-src', 0, $5, $6, $7, $8, $9, 'sealed-stand-in', 'problems-dlq', $10, $11, $12)
     RETURNING id`,
    [
      row.workspaceId,
      row.accountId,
      row.version,
      `evt-${offset}`,
      offset,
      row.errorClass,
      row.code,
      row.message,
      row.attempts ?? 1,
      row.status ?? 'open',
      row.createdAt ?? new Date(),
      row.firstFailedAt ?? null,
    ],
  );
  return String(inserted?.id);
}

export interface ParkedRowInput {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly version: number;
  readonly errorClass: string;
  readonly code: string | null;
  readonly message: string;
  readonly attempts?: number;
  readonly firstFailedAt?: Date;
  readonly lastFailedAt?: Date;
  readonly nextAttemptAt?: Date;
}

/** A parked backup as the pipeline keeps it (one per account). */
export async function insertParkedRow(dataSource: DataSource, row: ParkedRowInput): Promise<void> {
  await dataSource.query(
    `INSERT INTO pending_backup (workspace_id, account_id, version, source_topic, source_partition, source_offset,
                                 record_ciphertext, attempts, first_failed_at, next_attempt_at, last_error_class,
                                 last_error_code, last_error_message, updated_at)
     VALUES ($1, $2, $3, 'problems-src', 0, $4, 'sealed-stand-in', $5, $6, $7, $8, $9, $10, $11)`,
    [
      row.workspaceId,
      row.accountId,
      row.version,
      nextOffset++,
      row.attempts ?? 1,
      row.firstFailedAt ?? new Date(),
      row.nextAttemptAt ?? new Date(Date.now() + 300_000),
      row.errorClass,
      row.code,
      row.message,
      row.lastFailedAt ?? row.firstFailedAt ?? new Date(),
    ],
  );
}

/** The safe holds `version` of the account. */
export async function insertAppliedState(
  dataSource: DataSource,
  workspaceId: string,
  accountId: string,
  version: number,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO account_backup_state (workspace_id, account_id, applied_version, cyberark_account_id, cyberark_name, fingerprint, last_event_id)
     VALUES ($1, $2, $3, 'ca-1', $4, '{}'::jsonb, 'evt-applied')`,
    [workspaceId, accountId, version, `name-${accountId}`],
  );
}
