import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import {
  type DataKeyStore,
  DataKeyRewrapper,
  EnvelopeDataCipher,
  Fingerprinter,
  JweSecretsDecryptor,
  type KeyWrapper,
  LocalKeyWrapper,
  LocalRsaKeyUnwrapper,
  NoWorkspaceKeys,
  ServiceScopeDataCipher,
  type WorkspaceKeyWrappers,
  parseKeyRing,
  parseSymmetricKey,
} from '@vault-backup/crypto';
import { type KeyVaultConnectionFactory } from '@vault-backup/azure-key-vault';
import { ConfigurationError } from '@vault-backup/errors';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { DATA_SOURCE } from '../database/database.tokens';
import { type FieldHasher } from '../pipeline/mapping/account-fingerprint';
import {
  DATA_CIPHER,
  DATA_KEY_REWRAPPER,
  DATA_KEY_STORE,
  ENVELOPE_DATA_CIPHER,
  FIELD_HASHER,
  SERVICE_DATA_CIPHER,
  SERVICE_KEY_WRAPPER,
  WORKSPACE_KEY_WRAPPERS,
} from './crypto.tokens';
import { keyVaultProviders, keyVaultServiceKey } from '../key-vault/key-vault.providers';
import {
  DEVELOPMENT_SECRETS_DECRYPTOR,
  KEY_VAULT_CONNECTIONS,
  WORKSPACE_KEY_REGISTRY,
  WORKSPACE_SECRETS_DECRYPTOR,
} from '../key-vault/key-vault.tokens';
import { WORKSPACE_KEYS } from '../key-vault/workspace-keys.port';
import { PgDataKeyStore } from './pg-data-key.store';

function fieldHasher(config: BackupConfig): FieldHasher {
  const fingerprinter = new Fingerprinter(
    parseSymmetricKey(config.crypto.fingerprintKey.reveal(), 'FINGERPRINT_KEY'),
  );
  return (value, context) => fingerprinter.fingerprint(value, context) as string;
}

/**
 * `LOCAL_UNWRAP_KEYS_FILE` (development and tests): `{ "<versioned kid>": "<PEM RSA private key>" }`, for
 * workspaces without a key integration. Production decrypts with each workspace's own Key Vault key.
 */
function developmentDecryptor(config: BackupConfig): JweSecretsDecryptor | null {
  const file = config.crypto.localUnwrapKeysFile;
  if (!file) return null;
  const keys = readUnwrapKeys(file);
  return new JweSecretsDecryptor(new LocalRsaKeyUnwrapper(keys), { trustedKeyIds: [...keys.keys()] });
}

/** The service key: in Key Vault when SERVICE_KEY_VAULT_URL is set, else the DATA_ENCRYPTION_KEYS ring. */
async function serviceKeyWrapper(
  config: BackupConfig,
  vault: KeyVaultConnectionFactory,
): Promise<KeyWrapper> {
  return (
    (await keyVaultServiceKey(config, vault)) ??
    new LocalKeyWrapper(parseKeyRing(config.crypto.dataEncryptionKeys.reveal()))
  );
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

/**
 * Everything we store or forward is envelope-encrypted: data keys per scope (service, or one workspace)
 * wrapped by the service key and, when the workspace has its own key, by that key too. Tokens written
 * before (LocalDataCipher, same key ring) still decrypt.
 */
function envelopeCipher(
  store: DataKeyStore,
  service: KeyWrapper,
  workspaceKeys: WorkspaceKeyWrappers,
  config: BackupConfig,
): EnvelopeDataCipher {
  return new EnvelopeDataCipher(
    store,
    { service, workspaceKeys },
    {
      legacyRing: parseKeyRing(config.crypto.dataEncryptionKeys.reveal()),
      cacheTtlMs: config.crypto.dataKeys.cacheTtlMs,
      cacheMaxKeys: config.crypto.dataKeys.cacheMaxKeys,
      maxKeyAgeMs: config.crypto.dataKeys.maxAgeMs,
    },
  );
}

const EXPORTED = [
  WORKSPACE_KEYS,
  KEY_VAULT_CONNECTIONS,
  WORKSPACE_KEY_REGISTRY,
  WORKSPACE_SECRETS_DECRYPTOR,
  DATA_CIPHER,
  SERVICE_DATA_CIPHER,
  ENVELOPE_DATA_CIPHER,
  DATA_KEY_REWRAPPER,
  DATA_KEY_STORE,
  SERVICE_KEY_WRAPPER,
  WORKSPACE_KEY_WRAPPERS,
  FIELD_HASHER,
];

@Global()
@Module({
  providers: [
    {
      provide: SERVICE_KEY_WRAPPER,
      inject: [BACKUP_CONFIG, KEY_VAULT_CONNECTIONS],
      useFactory: serviceKeyWrapper,
    },
    ...keyVaultProviders(),
    { provide: DEVELOPMENT_SECRETS_DECRYPTOR, inject: [BACKUP_CONFIG], useFactory: developmentDecryptor },
    {
      provide: DATA_KEY_STORE,
      inject: [DATA_SOURCE],
      useFactory: (dataSource: DataSource): DataKeyStore => new PgDataKeyStore(dataSource),
    },
    {
      provide: ENVELOPE_DATA_CIPHER,
      inject: [DATA_KEY_STORE, SERVICE_KEY_WRAPPER, WORKSPACE_KEY_WRAPPERS, BACKUP_CONFIG],
      useFactory: envelopeCipher,
    },
    { provide: DATA_CIPHER, useExisting: ENVELOPE_DATA_CIPHER },
    {
      provide: SERVICE_DATA_CIPHER,
      inject: [DATA_KEY_STORE, SERVICE_KEY_WRAPPER, BACKUP_CONFIG],
      useFactory: (store: DataKeyStore, service: KeyWrapper, config: BackupConfig) =>
        new ServiceScopeDataCipher(envelopeCipher(store, service, new NoWorkspaceKeys(), config)),
    },
    {
      provide: DATA_KEY_REWRAPPER,
      inject: [DATA_KEY_STORE, SERVICE_KEY_WRAPPER, WORKSPACE_KEY_WRAPPERS],
      useFactory: (store: DataKeyStore, service: KeyWrapper, workspaceKeys: WorkspaceKeyWrappers) =>
        new DataKeyRewrapper(store, { service, workspaceKeys }),
    },
    { provide: FIELD_HASHER, inject: [BACKUP_CONFIG], useFactory: fieldHasher },
  ],
  exports: EXPORTED,
})
export class CryptoModule {}
