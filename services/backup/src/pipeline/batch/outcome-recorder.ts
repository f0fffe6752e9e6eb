import { describeError, isAppError, isRetriable } from '@vault-backup/errors';
import { type ConsumedRecord, type DeliveredRecord } from '@vault-backup/kafka';
import { type AccountEvent } from '@vault-backup/event-contract';
import { backoffDelay, type BackoffPolicy } from '../domain/backoff';
import { type BackupFailure } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type DeadLetterContext, type DeadLetterPort } from '../ports/dead-letter.port';
import { type RecordSealerPort } from '../ports/record-sealer.port';
import {
  type AccountState,
  type FailureRecord,
  type LeaseClaim,
  type OutcomeWrite,
  type PendingBackup,
} from '../store/backup-state.types';

/** One record and what became of it. */
export interface RecordResult {
  readonly record: ConsumedRecord;
  readonly outcome: BackupOutcome;
  /** Present when the record decoded. */
  readonly event?: AccountEvent;
  /** How many attempts this result concludes (1 for a first delivery). */
  readonly attempts: number;
  /** When the first transient failure happened (for parked records being retried). */
  readonly firstFailedAt?: Date;
  /** The parked entry this result concludes, whatever the outcome (retry worker, late writes). */
  readonly concludesParked?: LeaseClaim;
}

/**
 * Turns outcomes into durable effects: dead-letters permanent failures (awaiting the broker's
 * acknowledgement), seals records that must be kept, and assembles the single transaction write.
 */
export class OutcomeRecorder {
  constructor(
    private readonly deadLetter: DeadLetterPort,
    private readonly sealer: RecordSealerPort,
    private readonly retryBackoff: BackoffPolicy,
    private readonly dlqTopic: string,
    /** Told when the broker refuses a dead letter for good (the failure record alone then keeps the original). */
    private readonly onDeadLetterRefused: (code: string, reason: string) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(results: readonly RecordResult[]): Promise<OutcomeWrite> {
    const applied: AccountState[] = [];
    const deferred: PendingBackup[] = [];
    const resolvedPending: OutcomeWrite['resolvedPending'][number][] = [];
    const failures: FailureRecord[] = [];
    const skippedByWorkspace = new Map<string, number>();

    for (const result of results) {
      const { outcome, event } = result;
      switch (outcome.kind) {
        case 'applied': {
          const data = (event as AccountEvent).data;
          applied.push({
            workspaceId: data.workspaceId,
            accountId: data.accountId,
            appliedVersion: data.version,
            cyberArkAccountId: outcome.cyberArkAccountId,
            cyberArkName: outcome.cyberArkName,
            fingerprint: outcome.fingerprint,
            lastEventId: (event as AccountEvent).id,
          });
          resolvedPending.push({
            workspaceId: data.workspaceId,
            accountId: data.accountId,
            upToVersion: data.version,
          });
          break;
        }
        case 'superseded':
          // Applied or started versions make older parked entries obsolete; a parked version, or a
          // newer one in the same batch, resolves them itself with its own outcome.
          if ((outcome.reason === 'already-applied' || outcome.reason === 'newer-version-started') && event) {
            resolvedPending.push({
              workspaceId: event.data.workspaceId,
              accountId: event.data.accountId,
              upToVersion: event.data.version,
            });
          }
          break;
        case 'skipped': {
          const { workspaceId } = (event as AccountEvent).data;
          skippedByWorkspace.set(workspaceId, (skippedByWorkspace.get(workspaceId) ?? 0) + 1);
          if (result.concludesParked) resolvedPending.push(resolving(result.concludesParked));
          break;
        }
        case 'deferred':
          deferred.push(await this.park(result, outcome.failure));
          break;
        case 'failed':
          failures.push(await this.fail(result, outcome.failure));
          if (result.concludesParked) resolvedPending.push(resolving(result.concludesParked));
          break;
      }
    }
    return { applied, deferred, resolvedPending, failures, skippedByWorkspace };
  }

  private async park(result: RecordResult, failure: BackupFailure): Promise<PendingBackup> {
    const data = (result.event as AccountEvent).data;
    const now = this.now();
    return {
      workspaceId: data.workspaceId,
      accountId: data.accountId,
      version: data.version,
      source: {
        topic: result.record.topic,
        partition: result.record.partition,
        offset: result.record.offset,
      },
      recordCiphertext: await this.sealer.seal(result.record, 'pending-backup', data.workspaceId),
      attempts: result.attempts,
      firstFailedAt: result.firstFailedAt ?? now,
      nextAttemptAt: new Date(
        now.getTime() + backoffDelay(this.retryBackoff, result.attempts, failure.retryAfterMs),
      ),
      lastErrorClass: failure.errorClass,
      lastErrorCode: failure.code,
      lastErrorMessage: failure.message,
    };
  }

  /**
   * A parked backup whose budget ran out while its sealed record could not be opened (its workspace's
   * key is out of reach): kept as it is, with no dead letter (nothing readable to publish). It opens,
   * and can be replayed, once the key is back.
   */
  unreadable(entry: PendingBackup, failure: BackupFailure): FailureRecord {
    return {
      workspaceId: entry.workspaceId,
      accountId: entry.accountId,
      version: entry.version,
      source: entry.source,
      errorClass: failure.errorClass,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: entry.attempts,
      firstFailedAt: entry.firstFailedAt,
      recordCiphertext: entry.recordCiphertext,
      sealedAs: 'pending-backup',
      deadLetter: { topic: this.dlqTopic },
    };
  }

  private async fail(result: RecordResult, failure: BackupFailure): Promise<FailureRecord> {
    const { record, event } = result;
    const owner = event
      ? { workspaceId: event.data.workspaceId, accountId: event.data.accountId }
      : ownerFromKey(record.key);
    const workspaceId = owner?.workspaceId;
    const delivered = await this.publishDeadLetter(record, failure, {
      attempts: result.attempts,
      ...(workspaceId ? { workspaceId } : {}),
      mayContainPlaintextSecrets: !event || event.data.secrets !== undefined,
    });
    return {
      ...(owner ?? {}),
      ...(event ? { version: event.data.version, eventId: event.id } : {}),
      source: { topic: record.topic, partition: record.partition, offset: record.offset },
      errorClass: failure.errorClass,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: result.attempts,
      ...(result.firstFailedAt ? { firstFailedAt: result.firstFailedAt } : {}),
      // Under the workspace it is attributed to (and stored with), so its admins can replay it.
      recordCiphertext: await this.sealer.seal(record, 'backup-failure', workspaceId),
      deadLetter: {
        topic: this.dlqTopic,
        ...(delivered ? { partition: delivered.partition, offset: delivered.offset } : {}),
      },
    };
  }

  /**
   * Publishes the dead letter, waiting for the broker. A refusal no retry can cure must not hold the
   * partition: the failure is still recorded (with the sealed original, so it can be replayed), just
   * without a dead-letter position. An outage is thrown, to be retried.
   */
  private async publishDeadLetter(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
  ): Promise<DeliveredRecord | undefined> {
    try {
      return await this.deadLetter.publish(record, failure, context);
    } catch (error) {
      if (isRetriable(error)) throw error;
      this.onDeadLetterRefused(isAppError(error) ? error.code : 'UNKNOWN', describeError(error));
      return undefined;
    }
  }
}

function resolving({ workspaceId, accountId, version }: LeaseClaim): OutcomeWrite['resolvedPending'][number] {
  return { workspaceId, accountId, upToVersion: version };
}

const RECORD_KEY = /^([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/;

/**
 * The workspace and account a record that did not decode belongs to, when its key is well-formed
 * (`<workspaceId>:<accountId>`): so that workspace's admins see the failure and can replay it.
 */
function ownerFromKey(key: Buffer | null): { workspaceId: string; accountId: string } | undefined {
  if (!key || key.length > 129) return undefined;
  const match = RECORD_KEY.exec(key.toString('utf8'));
  return match ? { workspaceId: match[1], accountId: match[2] } : undefined;
}
