import { createHash } from 'node:crypto';

/** One version of one account, as the workload sent it. */
export interface EventRef {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly version: number;
}

/** An account the workload sent at least one event for, with the newest version it sent. */
export interface ExpectedAccount {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly newestVersion: number;
}

/**
 * What a workload promises about its content, so that a CyberArk write can be mapped back to the
 * version it carries. Implemented by AccountWorkload; several can be merged (mergeExpectations).
 */
export interface HistoryExpectations {
  expectedAccounts(): readonly ExpectedAccount[];
  /** The newest version sent for the account, or undefined when none was sent. */
  expectedNewest(workspaceId: string, accountId: string): number | undefined;
  /** The version whose content these platform properties claim to be (from the label), if any. */
  versionOfProperties(properties: Readonly<Record<string, string>>): number | undefined;
  /** The version whose password hashes to this SHA-256 digest (hex), if any. */
  versionOfSecretDigest(accountId: string, digest: string): number | undefined;
  /** The platform properties CyberArk must hold after the version is applied, exactly. */
  expectedProperties(
    workspaceId: string,
    accountId: string,
    version: number,
  ): Readonly<Record<string, string>>;
}

/** A record found on the dead-letter topic, decoded enough to be judged. */
export interface DeadLetterEntry {
  readonly key: string | null;
  /** Headers as UTF-8 strings (original headers plus the service's `vb-dlq-*` ones). */
  readonly headers: Readonly<Record<string, string>>;
  /** The label of the deliberate poison record this is, when the workload sent it as one. */
  readonly poison?: string;
  /** The workload event this record carried, when it was one. */
  readonly event?: EventRef;
}

export const MAX_BACKUP_ACCOUNT_NAME_LENGTH = 100;

/**
 * The CyberArk object name the backup service gives an account (`vb.<workspaceId>.<accountId>`, or
 * the hashed form past 100 characters). Re-stated here on purpose: the checker is an independent
 * oracle of services/backup/src/pipeline/mapping/account-name.ts, not a caller of it.
 */
export function backupAccountName(workspaceId: string, accountId: string): string {
  const plain = `vb.${workspaceId}.${accountId}`;
  if (plain.length <= MAX_BACKUP_ACCOUNT_NAME_LENGTH) return plain;
  const digest = createHash('sha256').update(`${workspaceId}:${accountId}`).digest('hex').slice(0, 32);
  return `vb.${workspaceId.slice(0, 60)}.h-${digest}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
