import { type ConsumedRecord } from '@vault-backup/kafka';

export const RECORD_SEALER = Symbol('RECORD_SEALER');

/**
 * Encrypts whole Kafka records for storage (parked and failed records): they may hold plaintext
 * secrets, and nothing in PostgreSQL may. `workspaceId` is the workspace the record is attributed to
 * (stored next to the ciphertext), undefined when none: sealed under that workspace's keys, opened
 * only as that workspace's — so `open` must be given exactly what `seal` was.
 */
export interface RecordSealerPort {
  seal(
    record: ConsumedRecord,
    purpose: 'pending-backup' | 'backup-failure',
    workspaceId: string | undefined,
  ): Promise<string>;
  open(
    ciphertext: string,
    purpose: 'pending-backup' | 'backup-failure',
    workspaceId: string | undefined,
  ): Promise<ConsumedRecord>;
}
