import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import {
  Fingerprinter,
  JweSecretsDecryptor,
  LocalDataCipher,
  LocalRsaKeyUnwrapper,
  parseKeyRing,
  parseSymmetricKey,
} from '@vault-backup/crypto';
import { AppError, ConfigurationError } from '@vault-backup/errors';
import { type ProtectedAccountSecrets } from '@vault-backup/event-contract';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { type FieldHasher } from '../pipeline/mapping/account-fingerprint';
import { DATA_CIPHER, FIELD_HASHER, SECRETS_DECRYPTOR } from './crypto.tokens';

/** No key service is configured for `encryptedSecrets`: an operator must provide one, then replay. */
export class DecryptionKeyUnavailableError extends AppError {
  readonly code = 'DECRYPTION_KEY_UNAVAILABLE';
  readonly retriable = false;
  readonly errorClass = 'decryption-key-unavailable';
}

function fieldHasher(config: BackupConfig): FieldHasher {
  const fingerprinter = new Fingerprinter(
    parseSymmetricKey(config.crypto.fingerprintKey.reveal(), 'FINGERPRINT_KEY'),
  );
  return (value, context) => fingerprinter.fingerprint(value, context) as string;
}

/**
 * `LOCAL_UNWRAP_KEYS_FILE` (development and tests): `{ "<versioned kid>": "<PEM RSA private key>" }`.
 * Production unwraps through the customer's Azure Key Vault instead (the customer-managed-key work).
 */
function secretsDecryptor(config: BackupConfig): (jwe: unknown) => Promise<ProtectedAccountSecrets> {
  const file = config.crypto.localUnwrapKeysFile;
  if (!file) {
    return () =>
      Promise.reject(
        new DecryptionKeyUnavailableError(
          'encryptedSecrets cannot be decrypted: no key service is configured',
        ),
      );
  }
  const keys = readUnwrapKeys(file);
  const decryptor = new JweSecretsDecryptor(new LocalRsaKeyUnwrapper(keys), {
    trustedKeyIds: [...keys.keys()],
  });
  return (jwe) => decryptor.decrypt(jwe);
}

function readUnwrapKeys(file: string): Map<string, KeyObject> {
  try {
    const entries = Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
    return new Map(entries.map(([kid, pem]) => [kid, createPrivateKey(pem)]));
  } catch {
    throw new ConfigurationError([
      `LOCAL_UNWRAP_KEYS_FILE must be a readable JSON object of key id to PEM private key`,
    ]);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATA_CIPHER,
      inject: [BACKUP_CONFIG],
      useFactory: (config: BackupConfig) =>
        new LocalDataCipher(parseKeyRing(config.crypto.dataEncryptionKeys.reveal())),
    },
    { provide: FIELD_HASHER, inject: [BACKUP_CONFIG], useFactory: fieldHasher },
    { provide: SECRETS_DECRYPTOR, inject: [BACKUP_CONFIG], useFactory: secretsDecryptor },
  ],
  exports: [DATA_CIPHER, FIELD_HASHER, SECRETS_DECRYPTOR],
})
export class CryptoModule {}
