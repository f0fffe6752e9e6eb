import { type DataSource } from 'typeorm';
import { type DataCipher } from '@vault-backup/crypto';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import { PLATFORM, SAFE } from './simulator-tenants';

export interface EnabledConfiguration {
  readonly workspaceId: string;
  readonly identityUrl: string;
  readonly privilegeCloudUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly allowPlaintextSecrets?: boolean;
  readonly metadataOnly?: boolean;
  readonly retryBudgetSeconds?: number;
}

/** An enabled backup configuration written as the admin API would write it (client secret encrypted). */
export async function insertEnabledConfiguration(
  dataSource: DataSource,
  cipher: DataCipher,
  configuration: EnabledConfiguration,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO backup_configuration
            (workspace_id, status, identity_url, privilege_cloud_url, client_id, client_secret_ciphertext, safe_name,
             platform_id, allow_plaintext_secrets, metadata_only, retry_budget_seconds, validated_at, enabled_at)
     VALUES ($1, 'enabled', $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())`,
    [
      configuration.workspaceId,
      configuration.identityUrl,
      configuration.privilegeCloudUrl,
      configuration.clientId,
      await cipher.encrypt(
        configuration.clientSecret,
        CLIENT_SECRET_CIPHER_CONTEXT,
        configuration.workspaceId,
      ),
      SAFE,
      PLATFORM,
      configuration.allowPlaintextSecrets ?? true,
      configuration.metadataOnly ?? false,
      configuration.retryBudgetSeconds ?? 86_400,
    ],
  );
}
