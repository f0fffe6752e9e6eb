import { type ProblemKind } from './problem-catalogue';

/** What narrows the problems; every field optional, all of them ANDed. */
export interface ProblemFilter {
  readonly errorClass?: string;
  readonly code?: string;
  readonly accountId?: string;
  readonly kind?: ProblemKind;
  /** Inclusive bounds on the last failure. */
  readonly from?: Date;
  readonly to?: Date;
}

/** A place in the stable order `first_failed_at DESC, item_key DESC`. */
export interface ProblemPosition {
  readonly firstFailedMicros: string;
  readonly itemKey: string;
}

/** SQL text and its positional parameters, built together so the numbering cannot drift. */
export interface SqlCondition {
  readonly where: string;
  readonly parameters: unknown[];
}

/**
 * Every account whose newest version is not in the safe, one row per account (and one per open
 * failure that names no account): its open failure record or its parked backup, whichever holds the
 * newest version. A failure is left out when the account's safe copy is as new (it was superseded), or
 * when a parked backup or another open failure holds a newer version; a parked backup is left out when
 * an open failure holds a newer version. `item_key` makes the order total: `f:<failure id>` or
 * `p:<account id>` (one parked backup per account).
 */
export const PROBLEMS_CTE = `problem AS (
  SELECT 'failed'::text AS kind, f.workspace_id, f.account_id, f.version::text AS version, f.id::text AS failure_id,
         f.error_class, f.error_code AS code, f.error_message AS message, f.attempts,
         coalesce(f.first_failed_at, f.created_at) AS first_failed_at, f.created_at AS last_failed_at,
         NULL::timestamptz AS next_attempt_at,
         'f:' || f.id::text AS item_key
    FROM backup_failure f
   WHERE f.status = 'open'
     AND NOT EXISTS (SELECT 1 FROM account_backup_state s
                      WHERE s.workspace_id = f.workspace_id AND s.account_id = f.account_id AND s.applied_version >= f.version)
     AND NOT EXISTS (SELECT 1 FROM pending_backup p
                      WHERE p.workspace_id = f.workspace_id AND p.account_id = f.account_id AND p.version >= f.version)
     AND NOT EXISTS (SELECT 1 FROM backup_failure n
                      WHERE n.status = 'open' AND n.workspace_id = f.workspace_id AND n.account_id = f.account_id
                        AND (n.version, n.created_at, n.id) > (f.version, f.created_at, f.id))
  UNION ALL
  SELECT 'parked', p.workspace_id, p.account_id, p.version::text, NULL,
         p.last_error_class, p.last_error_code, p.last_error_message, p.attempts,
         p.first_failed_at, p.updated_at, p.next_attempt_at,
         'p:' || p.account_id
    FROM pending_backup p
   WHERE NOT EXISTS (SELECT 1 FROM backup_failure n
                      WHERE n.status = 'open' AND n.workspace_id = p.workspace_id AND n.account_id = p.account_id
                        AND n.version > p.version)
)`;

/** The position of a row, as the cursor keeps it. */
export const FIRST_FAILED_MICROS = `(extract(epoch FROM first_failed_at) * 1000000)::bigint`;

/**
 * Whose problems: one workspace's, every workspace's, or the open failures attributed to none
 * (dead letters whose record named no usable workspace).
 */
export type ProblemScope = { readonly workspaceId: string } | 'all-workspaces' | 'unattributed';

/**
 * The WHERE clause over `problem` for a filter in a scope. Parameters start at `$first`.
 */
export function problemConditions(scope: ProblemScope, filter: ProblemFilter, first = 1): SqlCondition {
  const clauses: string[] = [];
  const parameters: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    parameters.push(value);
    clauses.push(sql(`$${first + parameters.length - 1}`));
  };
  if (scope === 'all-workspaces') clauses.push('workspace_id IS NOT NULL');
  else if (scope === 'unattributed') clauses.push('workspace_id IS NULL');
  else add((p) => `workspace_id = ${p}`, scope.workspaceId);
  if (filter.kind !== undefined) add((p) => `kind = ${p}`, filter.kind);
  if (filter.errorClass !== undefined) add((p) => `error_class = ${p}`, filter.errorClass);
  if (filter.code !== undefined) add((p) => `code = ${p}`, filter.code);
  if (filter.accountId !== undefined) add((p) => `account_id = ${p}`, filter.accountId);
  if (filter.from !== undefined) add((p) => `last_failed_at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) add((p) => `last_failed_at <= ${p}::timestamptz`, filter.to);
  return { where: clauses.join(' AND '), parameters };
}

/** Rows after `position` in `first_failed_at DESC, item_key DESC` (item keys compared byte-wise). */
export function afterPosition(position: ProblemPosition, first: number): SqlCondition {
  return {
    where: `(${FIRST_FAILED_MICROS}, item_key COLLATE "C") < ($${first}::bigint, $${first + 1}::text COLLATE "C")`,
    parameters: [position.firstFailedMicros, position.itemKey],
  };
}

/** A workspace's place in the operators' order: most failed first, then most parked, then by id. */
export interface WorkspacePosition {
  readonly failed: number;
  readonly parked: number;
  readonly workspaceId: string;
}

export function afterWorkspace(position: WorkspacePosition, first: number): SqlCondition {
  const [f, p, w] = [`$${first}::int`, `$${first + 1}::int`, `$${first + 2}::text COLLATE "C"`];
  return {
    where: `(failed < ${f} OR (failed = ${f} AND parked < ${p}) OR (failed = ${f} AND parked = ${p} AND workspace_id COLLATE "C" > ${w}))`,
    parameters: [position.failed, position.parked, position.workspaceId],
  };
}
