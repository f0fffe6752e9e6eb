import { type ConsumedRecord } from '@vault-backup/kafka';

export const RECORD_SEALER = Symbol('RECORD_SEALER');

/**
 * Encrypts whole Kafka records for storage (parked and failed records): they may hold plaintext
 * secrets, and nothing in PostgreSQL may.
 */
export interface RecordSealerPort {
  seal(record: ConsumedRecord, purpose: 'pending-backup' | 'backup-failure'): Promise<string>;
  open(ciphertext: string, purpose: 'pending-backup' | 'backup-failure'): Promise<ConsumedRecord>;
}
