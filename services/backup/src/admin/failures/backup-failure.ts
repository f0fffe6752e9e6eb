import { type BackupFailureStatus } from '@vault-backup/persistence';

/** A record the pipeline could not back up, as the admin API reasons about it. */
export interface BackupFailure {
  readonly id: string;
  readonly workspaceId: string | null;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly eventId: string | null;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly error: { readonly class: string; readonly code: string; readonly message: string };
  readonly attempts: number;
  /** The sealed original record: opened only to replay it, never returned. */
  readonly recordCiphertext: string;
  /** Its seal: `backup-failure`, or `pending-backup` for a parked record given up unopened. */
  readonly sealedAs: 'backup-failure' | 'pending-backup';
  readonly deadLetter: {
    readonly topic: string;
    readonly partition: number | null;
    readonly offset: string | null;
  };
  readonly status: BackupFailureStatus;
  readonly createdAt: Date;
  /** When its backup first failed (a parked backup's first failure), else createdAt. */
  readonly firstFailedAt: Date;
  /** Microseconds since the epoch, as a decimal string: the exact page position. */
  readonly createdAtMicros: string;
  readonly replayedAt: Date | null;
  readonly replayedBy: string | null;
}
