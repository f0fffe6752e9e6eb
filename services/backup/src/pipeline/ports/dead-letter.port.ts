import { type ConsumedRecord, type DeliveredRecord } from '@vault-backup/kafka';
import { type BackupFailure } from '../domain/backup-failure';

export interface DeadLetterContext {
  readonly attempts: number;
  readonly workspaceId?: string;
  /** False only for a record that decoded cleanly and carries no plaintext secrets. */
  readonly mayContainPlaintextSecrets: boolean;
}

export const DEAD_LETTER_PUBLISHER = Symbol('DEAD_LETTER_PUBLISHER');

export interface DeadLetterPort {
  /**
   * Resolves once the dead-letter record is acknowledged by the broker. The dead letter always fits
   * the topic: when the original does not, a reference to the failure record is published instead.
   * Rejects with the producer's typed error: retriable (broker unavailable, timeout) or not (e.g. not
   * authorised for the topic); for size only if even a bare reference exceeds the topic's limit.
   */
  publish(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
  ): Promise<DeliveredRecord>;
}
