import { type Secret } from '@vault-backup/config';
import { type DecodedAccountEventData } from '@vault-backup/event-contract';

/**
 * The full state of one account at one version, as an event carries it (never a delta): the
 * contract's decoded data without its secrets, which are resolved separately.
 */
export type AccountSnapshot = Omit<DecodedAccountEventData, 'secrets' | 'encryptedSecrets' | 'label'> & {
  readonly label?: string;
};

/** Secrets of a snapshot once decrypted (or accepted as plaintext); every value stays wrapped. */
export interface AccountSecrets {
  readonly password?: Secret;
  readonly totpSecret?: Secret;
  readonly backupCodes?: Secret<readonly string[]>;
}

export function accountKey(workspaceId: string, accountId: string): string {
  return `${workspaceId}:${accountId}`;
}
