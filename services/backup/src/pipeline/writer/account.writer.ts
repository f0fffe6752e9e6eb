import { type NewCyberArkAccount } from '@vault-backup/cyberark';
import {
  type AccountFingerprint,
  fingerprintOf,
  fingerprintOfExisting,
  type FieldHasher,
} from '../mapping/account-fingerprint';
import { computeChanges } from '../mapping/account-patch';
import { type DesiredAccount } from '../mapping/backup-account.mapper';
import { MANUAL_MANAGEMENT_REASON } from '../mapping/backup-properties';
import { type CyberArkAccountsPort } from '../ports/cyberark-gateway.port';

export interface KnownAccount {
  readonly cyberArkAccountId: string;
  readonly fingerprint: AccountFingerprint;
}

export interface WriteResult {
  readonly cyberArkAccountId: string;
  readonly fingerprint: AccountFingerprint;
  /** CyberArk write requests sent (add, patch, password update). */
  readonly writes: number;
}

/**
 * Makes the CyberArk account equal to `desired` with as few writes as possible: nothing when the
 * fingerprints match, one PATCH for properties, one Password/Update for the secret, one POST for a
 * new account. Never a second account: an add that finds the name taken adopts the existing one.
 */
export class AccountWriter {
  constructor(private readonly hash: FieldHasher) {}

  async apply(
    accounts: CyberArkAccountsPort,
    desired: DesiredAccount,
    known: KnownAccount | undefined,
  ): Promise<WriteResult> {
    if (known) {
      try {
        return await this.update(accounts, known.cyberArkAccountId, known.fingerprint, desired);
      } catch (error) {
        // Someone deleted the backup in CyberArk: recreate it rather than failing forever.
        if (!isAccountNotFound(error)) throw error;
      }
    }
    return this.createOrAdopt(accounts, desired);
  }

  private async update(
    accounts: CyberArkAccountsPort,
    id: string,
    current: AccountFingerprint,
    desired: DesiredAccount,
  ): Promise<WriteResult> {
    const changes = computeChanges(current, desired, this.hash);
    let writes = 0;
    if (changes.patch.length > 0) {
      await accounts.updateAccount(id, changes.patch);
      writes += 1;
    }
    if (changes.secret) {
      await accounts.updateSecret(id, changes.secret);
      writes += 1;
    }
    return { cyberArkAccountId: id, fingerprint: changes.next, writes };
  }

  private async createOrAdopt(accounts: CyberArkAccountsPort, desired: DesiredAccount): Promise<WriteResult> {
    const { account, created } = await accounts.addAccount(toNewAccount(desired));
    if (created)
      return { cyberArkAccountId: account.id, fingerprint: fingerprintOf(desired, this.hash), writes: 1 };
    // The name is taken by our own earlier write (e.g. the process died before recording it):
    // converge that account instead of creating a second one. Its secret is unknowable, so it is set.
    const adopted = await this.update(
      accounts,
      account.id,
      fingerprintOfExisting(account, this.hash),
      desired,
    );
    return { ...adopted, writes: adopted.writes + 1 };
  }
}

function toNewAccount(desired: DesiredAccount): NewCyberArkAccount {
  return {
    name: desired.name,
    safeName: desired.safeName,
    platformId: desired.platformId,
    ...(desired.address ? { address: desired.address } : {}),
    ...(desired.userName ? { userName: desired.userName } : {}),
    secretType: 'password',
    ...(desired.secret ? { secret: desired.secret } : {}),
    platformAccountProperties: desired.properties,
    secretManagement: { automaticManagementEnabled: false, manualManagementReason: MANUAL_MANAGEMENT_REASON },
  };
}

function isAccountNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { errorClass?: unknown }).errorClass === 'account-not-found'
  );
}
