import { type AccountFingerprint } from '../mapping/account-fingerprint';
import { type BackupFailure } from './backup-failure';

/**
 * Every record ends with exactly one explicit outcome; only then may its offset be committed.
 * - applied: CyberArk now holds this version (possibly with zero writes when nothing changed);
 * - superseded: a newer or equal version is already applied, a newer one was started (the write
 *   fence refused this one), this or a newer one is parked (the retry worker writes it), or a newer
 *   one in the same batch wins;
 * - skipped: the workspace has no active backup configuration;
 * - deferred: a transient failure; the record is parked durably and retried until the budget ends;
 * - failed: a permanent failure; dead-lettered and recorded for admins to replay.
 */
export type BackupOutcome =
  | {
      readonly kind: 'applied';
      readonly writes: number;
      readonly cyberArkAccountId: string;
      readonly cyberArkName: string;
      readonly fingerprint: AccountFingerprint;
    }
  | {
      readonly kind: 'superseded';
      readonly reason: 'already-applied' | 'newer-version-started' | 'already-parked' | 'newer-in-batch';
    }
  | { readonly kind: 'skipped'; readonly reason: 'no-active-configuration' }
  | { readonly kind: 'deferred'; readonly failure: BackupFailure }
  | { readonly kind: 'failed'; readonly failure: BackupFailure };

export type OutcomeKind = BackupOutcome['kind'];
