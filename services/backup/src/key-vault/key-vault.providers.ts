import { readFileSync } from 'node:fs';
import { type Provider } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type DataSource } from 'typeorm';
import {
  KeyVaultConnectionFactory,
  type KeyVaultObserver,
  KeyVaultUrlPolicy,
} from '@vault-backup/azure-key-vault';
import {
  type DataCipher,
  type DataKeyRewrapper,
  type EnvelopeDataCipher,
  type JweSecretsDecryptor,
  type KeyWrapper,
  type WorkspaceKeyWrappers,
} from '@vault-backup/crypto';
import { ConfigurationError } from '@vault-backup/errors';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import {
  DATA_KEY_REWRAPPER,
  ENVELOPE_DATA_CIPHER,
  SERVICE_DATA_CIPHER,
  WORKSPACE_KEY_WRAPPERS,
} from '../crypto/crypto.tokens';
import { DATA_SOURCE } from '../database/database.tokens';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens';
import {
  DEVELOPMENT_SECRETS_DECRYPTOR,
  KEY_VAULT_CONNECTIONS,
  WORKSPACE_KEY_REGISTRY,
  WORKSPACE_SECRETS_DECRYPTOR,
} from './key-vault.tokens';
import { KeyVaultServiceKeyWrapper } from './key-vault.service-key-wrapper';
import { KeyVaultWorkspaceKeys } from './key-vault-workspace-keys';
import { WorkspaceKeyRegistry } from './workspace-key.registry';
import { WORKSPACE_KEYS } from './workspace-keys.port';
import { KeyVaultWorkspaceKeyWrappers } from './workspace-key.wrappers';
import { WorkspaceSecretsDecryptor } from './workspace-secrets.decryptor';

function connections(config: BackupConfig, registry: Registry): KeyVaultConnectionFactory {
  const { keyVault } = config;
  return new KeyVaultConnectionFactory({
    observer: keyVaultMetrics(registry),
    urlPolicy: new KeyVaultUrlPolicy({ allowInsecureLoopback: keyVault.allowInsecureLoopback }),
    requestTimeoutMs: keyVault.requestTimeoutMs,
    ...(keyVault.authorityHost ? { authorityHost: keyVault.authorityHost } : {}),
    ...(keyVault.extraCaFile ? { extraCaPem: readCa(keyVault.extraCaFile) } : {}),
    ...(keyVault.vaultConnectTo ? { vaultConnectTo: keyVault.vaultConnectTo } : {}),
  });
}

/** Every Key Vault and Entra ID operation by outcome (ok, or the precise problem), and how long it took. */
function keyVaultMetrics(registry: Registry): KeyVaultObserver {
  const requests = new Counter({
    name: 'vault_backup_key_vault_operations_total',
    help: 'Azure Key Vault / Entra ID operations (get-token, get-key, wrap-key, unwrap-key) by outcome: ok, or the problem (throttled, forbidden, key-disabled, …)',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vault_backup_key_vault_operation_duration_seconds',
    help: 'Azure Key Vault / Entra ID operation time, challenge and token included',
    labelNames: ['operation'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return ({ operation, outcome, durationMs }) => {
    requests.inc({ operation, outcome });
    duration.observe({ operation }, durationMs / 1000);
  };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigurationError(['KEY_VAULT_EXTRA_CA_FILE must be a readable PEM file']);
  }
}

/** The service key in Key Vault when configured (workload identity), else undefined: the local ring wraps. */
export async function keyVaultServiceKey(
  config: BackupConfig,
  factory: KeyVaultConnectionFactory,
): Promise<KeyWrapper | undefined> {
  const serviceKey = config.keyVault.serviceKey;
  if (serviceKey === undefined) return undefined;
  const port = factory.forKey({ ...serviceKey, credential: { kind: 'workload-identity' } });
  return KeyVaultServiceKeyWrapper.open(port);
}

function contentKeyEvents(registry: Registry): Counter<'event'> {
  return new Counter({
    name: 'vault_backup_content_key_cache_events_total',
    help: 'Unwrapped content keys of event secrets: hit, coalesced (waited for an unwrap in flight), inner-call (a Key Vault unwrap), inner-failure, refused-again (a permanent refusal answered from memory), evicted, expired, forgotten',
    labelNames: ['event'],
    registers: [registry],
  });
}

/** Key Vault: connections, the workspaces' keys, their wrappers for the envelope cipher and the event decryptor. */
export function keyVaultProviders(): Provider[] {
  return [
    { provide: KEY_VAULT_CONNECTIONS, inject: [BACKUP_CONFIG, METRICS_REGISTRY], useFactory: connections },
    {
      provide: WORKSPACE_KEY_REGISTRY,
      inject: [DATA_SOURCE, SERVICE_DATA_CIPHER, BACKUP_CONFIG],
      useFactory: (dataSource: DataSource, cipher: DataCipher, config: BackupConfig) =>
        new WorkspaceKeyRegistry(
          dataSource,
          (token, context) => cipher.decrypt(token, context),
          config.pipeline.workspaceCacheTtlMs,
        ),
    },
    {
      provide: WORKSPACE_KEY_WRAPPERS,
      inject: [WORKSPACE_KEY_REGISTRY, KEY_VAULT_CONNECTIONS],
      useFactory: (
        registry: WorkspaceKeyRegistry,
        factory: KeyVaultConnectionFactory,
      ): WorkspaceKeyWrappers => new KeyVaultWorkspaceKeyWrappers(registry, factory),
    },
    {
      provide: WORKSPACE_SECRETS_DECRYPTOR,
      inject: [
        WORKSPACE_KEY_REGISTRY,
        KEY_VAULT_CONNECTIONS,
        BACKUP_CONFIG,
        METRICS_REGISTRY,
        DEVELOPMENT_SECRETS_DECRYPTOR,
      ],
      useFactory: (
        registry: WorkspaceKeyRegistry,
        factory: KeyVaultConnectionFactory,
        config: BackupConfig,
        metrics: Registry,
        development: JweSecretsDecryptor | null,
      ) => {
        const events = contentKeyEvents(metrics);
        return new WorkspaceSecretsDecryptor(
          registry,
          factory,
          {
            ttlMs: config.keyVault.contentKeyCacheTtlMs,
            maxEntries: config.keyVault.contentKeyCacheMax,
            onEvent: (event) => events.inc({ event }),
          },
          development ?? undefined,
        );
      },
    },
    {
      provide: WORKSPACE_KEYS,
      inject: [WORKSPACE_KEY_REGISTRY, ENVELOPE_DATA_CIPHER, WORKSPACE_SECRETS_DECRYPTOR, DATA_KEY_REWRAPPER],
      useFactory: (
        registry: WorkspaceKeyRegistry,
        cipher: EnvelopeDataCipher,
        decryptor: WorkspaceSecretsDecryptor,
        rewrapper: DataKeyRewrapper,
      ) => new KeyVaultWorkspaceKeys(registry, cipher, decryptor, rewrapper),
    },
  ];
}
