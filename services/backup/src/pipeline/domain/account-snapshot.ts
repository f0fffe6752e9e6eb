import { type Secret } from '@vault-backup/config';

/** The full state of one account at one version, as an event carries it (never a delta). */
export interface AccountSnapshot {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly version: number;
  readonly provider: string;
  readonly label?: string;
  readonly url?: string;
  readonly username?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly originalEmail?: string;
  readonly originalPhone?: string;
}

/** Secrets of a snapshot once decrypted (or accepted as plaintext); every value stays wrapped. */
export interface AccountSecrets {
  readonly password?: Secret;
  readonly totpSecret?: Secret;
  readonly backupCodes?: Secret<readonly string[]>;
}

export function accountKey(workspaceId: string, accountId: string): string {
  return `${workspaceId}:${accountId}`;
}
