import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export type BackupConfigurationStatus = 'draft' | 'connected' | 'validated' | 'enabled' | 'disabled';

/** Persistence shape only: it never leaves libs/persistence; callers get domain objects. */
@Entity({ name: 'backup_configuration' })
export class BackupConfigurationEntity {
  @PrimaryColumn({ name: 'workspace_id', type: 'varchar', length: 64 })
  workspaceId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: BackupConfigurationStatus;

  @Column({ name: 'identity_url', type: 'text', nullable: true })
  identityUrl!: string | null;

  @Column({ name: 'privilege_cloud_url', type: 'text', nullable: true })
  privilegeCloudUrl!: string | null;

  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId!: string | null;

  @Column({ name: 'client_secret_ciphertext', type: 'text', nullable: true })
  clientSecretCiphertext!: string | null;

  @Column({ name: 'safe_name', type: 'text', nullable: true })
  safeName!: string | null;

  @Column({ name: 'platform_id', type: 'text', nullable: true })
  platformId!: string | null;

  @Column({ name: 'allow_plaintext_secrets', type: 'boolean', default: false })
  allowPlaintextSecrets!: boolean;

  @Column({ name: 'metadata_only', type: 'boolean', default: false })
  metadataOnly!: boolean;

  @Column({ name: 'retry_budget_seconds', type: 'integer', default: 86_400 })
  retryBudgetSeconds!: number;

  @Column({ name: 'validation_report', type: 'jsonb', nullable: true })
  validationReport!: unknown;

  @Column({ name: 'connected_at', type: 'timestamptz', nullable: true })
  connectedAt!: Date | null;

  @Column({ name: 'validated_at', type: 'timestamptz', nullable: true })
  validatedAt!: Date | null;

  @Column({ name: 'enabled_at', type: 'timestamptz', nullable: true })
  enabledAt!: Date | null;

  @VersionColumn()
  revision!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Binds the client-secret ciphertext to its column: it cannot be decrypted as anything else. */
export const CLIENT_SECRET_CIPHER_CONTEXT = 'backup_configuration.client_secret';
