import { type BackupConfigurationStatus } from '@vault-backup/persistence';
import { type CheckReport } from '../cyberark-probe/check-report';

export type BackupStatus = BackupConfigurationStatus;

/** How to reach the tenant; the client secret only ever as ciphertext. */
export interface StoredConnection {
  readonly identityUrl: string;
  readonly privilegeCloudUrl: string;
  readonly clientId: string;
  readonly clientSecretCiphertext: string;
}

export interface BackupTargets {
  readonly safeName: string;
  readonly platformId: string;
}

export interface BackupOptions {
  readonly allowPlaintextSecrets: boolean;
  readonly metadataOnly: boolean;
  readonly retryBudgetSeconds: number;
}

export const DEFAULT_OPTIONS: BackupOptions = {
  allowPlaintextSecrets: false,
  metadataOnly: false,
  retryBudgetSeconds: 86_400,
};

/** A workspace's vault backup as the admin API reasons about it (never the TypeORM entity). */
export interface BackupConfiguration {
  readonly workspaceId: string;
  readonly status: BackupStatus;
  readonly connection: StoredConnection | null;
  readonly targets: BackupTargets | null;
  readonly options: BackupOptions;
  /** The last connect or validation outcome, whichever ran last. */
  readonly lastCheck: CheckReport | null;
  readonly connectedAt: Date | null;
  /** When the current connection and targets last passed validation. */
  readonly validatedAt: Date | null;
  readonly enabledAt: Date | null;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What failures and skipped events the pipeline recorded for a workspace. */
export interface BackupCounters {
  readonly openFailures: number;
  readonly skippedEvents: number;
  readonly lastSkippedAt: Date | null;
}
