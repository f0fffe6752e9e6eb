import { type AccountFingerprint } from '../mapping/account-fingerprint';

export interface AccountRef {
  readonly workspaceId: string;
  readonly accountId: string;
}

export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface AccountState extends AccountRef {
  readonly appliedVersion: number;
  readonly cyberArkAccountId: string | null;
  readonly cyberArkName: string;
  readonly fingerprint: AccountFingerprint;
  readonly lastEventId: string;
}

/** A record parked after a transient failure; the record itself is stored encrypted. */
export interface PendingBackup extends AccountRef {
  readonly version: number;
  readonly source: SourcePosition;
  readonly recordCiphertext: string;
  readonly attempts: number;
  readonly firstFailedAt: Date;
  readonly nextAttemptAt: Date;
  readonly lastErrorClass: string;
  readonly lastErrorCode: string;
  readonly lastErrorMessage: string;
}

export interface FailureRecord {
  readonly workspaceId?: string;
  readonly accountId?: string;
  readonly version?: number;
  readonly eventId?: string;
  readonly source: SourcePosition;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  /** When its backup first failed (a parked backup's first failure); now when it failed at once. */
  readonly firstFailedAt?: Date;
  readonly recordCiphertext: string;
  /**
   * How `recordCiphertext` is sealed: `backup-failure` unless the record could not be opened to be
   * sealed again (kept as it was parked while its workspace's key was out of reach).
   */
  readonly sealedAs?: 'backup-failure' | 'pending-backup';
  readonly deadLetter: { readonly topic: string; readonly partition?: number; readonly offset?: string };
}

/** A request to own the right to write one account at one version. */
export interface LeaseClaim extends AccountRef {
  readonly version: number;
}

/**
 * What the write fence answers a writer it lets through: the state stored for the account, and the
 * write started before this one (absent when none was ever recorded). A prior started version above
 * the stored one is a write whose outcome was never recorded: what CyberArk holds is uncertain.
 */
export interface GrantedWrite {
  readonly kind: 'granted';
  readonly stored?: AccountState;
  readonly prior?: { readonly version: number; readonly owner: string };
}

/** The fence is shut for a while: an earlier write was abandoned without an answer and may still land. */
export interface SettlingWrite {
  readonly kind: 'settling';
  readonly waitMs: number;
}

/** What the fence answers a writer; an account missing from the answer belongs to a newer version. */
export type FenceAnswer = GrantedWrite | SettlingWrite;

/** Everything one batch (or one retry round) decided, written in a single transaction. */
export interface OutcomeWrite {
  readonly applied: readonly AccountState[];
  readonly deferred: readonly PendingBackup[];
  /** Pending entries made obsolete: applied or superseded at this version or later. */
  readonly resolvedPending: readonly (AccountRef & { readonly upToVersion: number })[];
  readonly failures: readonly FailureRecord[];
  readonly skippedByWorkspace: ReadonlyMap<string, number>;
  /** Write leases this writer is done with (a lease is released only at the version it was claimed for). */
  readonly releasedLeases?: { readonly owner: string; readonly claims: readonly LeaseClaim[] };
}

export function emptyOutcomeWrite(): OutcomeWrite {
  return { applied: [], deferred: [], resolvedPending: [], failures: [], skippedByWorkspace: new Map() };
}

export function isEmptyOutcomeWrite(write: OutcomeWrite): boolean {
  return (
    write.applied.length === 0 &&
    write.deferred.length === 0 &&
    write.resolvedPending.length === 0 &&
    write.failures.length === 0 &&
    write.skippedByWorkspace.size === 0 &&
    (write.releasedLeases?.claims.length ?? 0) === 0
  );
}
