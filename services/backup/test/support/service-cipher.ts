import { type DataSource } from 'typeorm';
import {
  type DataCipher,
  EnvelopeDataCipher,
  LocalKeyWrapper,
  NoWorkspaceKeys,
  parseKeyRing,
} from '@vault-backup/crypto';
import { PgDataKeyStore } from '../../src/crypto/pg-data-key.store';

/**
 * The data cipher the service under test uses (envelope encryption, data keys in its database,
 * service key from its DATA_ENCRYPTION_KEYS, no workspace keys): what a test writes, the service
 * reads, and what the service writes (dead letters, sealed records), a test can open.
 */
export function serviceCipher(dataSource: DataSource, dataEncryptionKeys: string): DataCipher {
  const ring = parseKeyRing(dataEncryptionKeys);
  return new EnvelopeDataCipher(
    new PgDataKeyStore(dataSource),
    { service: new LocalKeyWrapper(ring), workspaceKeys: new NoWorkspaceKeys() },
    { legacyRing: ring },
  );
}
