import { type DataCipher } from '@vault-backup/crypto';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { type RecordSealerPort } from '../ports/record-sealer.port';
import { deserializeRecord, serializeRecord } from './record-codec';

/**
 * Records at rest are JWE ciphertext bound to their purpose (a parked record cannot pass for a
 * failure) and to their workspace (revoking its key makes them unreadable; another workspace's
 * row cannot open them).
 */
export class CipherRecordSealer implements RecordSealerPort {
  constructor(private readonly cipher: DataCipher) {}

  async seal(
    record: ConsumedRecord,
    purpose: 'pending-backup' | 'backup-failure',
    workspaceId: string | undefined,
  ): Promise<string> {
    return this.cipher.encrypt(serializeRecord(record), purpose, workspaceId);
  }

  async open(
    ciphertext: string,
    purpose: 'pending-backup' | 'backup-failure',
    workspaceId: string | undefined,
  ): Promise<ConsumedRecord> {
    const plaintext = await this.cipher.decrypt(ciphertext, purpose, workspaceId);
    return deserializeRecord(Buffer.from(plaintext).toString('utf8'));
  }
}
