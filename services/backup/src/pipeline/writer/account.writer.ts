import { type CyberArkAccount, type NewCyberArkAccount } from '@vault-backup/cyberark';
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

/**
 * What the writer may assume CyberArk holds before it writes:
 * - known: exactly what we last wrote (its fingerprint), because that write's outcome was recorded;
 * - uncertain: a write was started and its outcome never recorded (a crash, a lost answer), so the
 *   account is read back and diffed against what it really holds;
 * - absent: nothing was ever written for this account.
 */
export type AccountBase =
  | { readonly kind: 'known'; readonly cyberArkAccountId: string; readonly fingerprint: AccountFingerprint }
  | { readonly kind: 'uncertain'; readonly cyberArkAccountId?: string }
  | { readonly kind: 'absent' };

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
 * Callers pass only versions the write fence let through, so whatever is adopted or read back is
 * overwritten with content at least as new as anything written before.
 */
export class AccountWriter {
  constructor(private readonly hash: FieldHasher) {}

  async apply(
    accounts: CyberArkAccountsPort,
    desired: DesiredAccount,
    base: AccountBase,
  ): Promise<WriteResult> {
    try {
      if (base.kind === 'known')
        return await this.update(accounts, base.cyberArkAccountId, base.fingerprint, desired);
      if (base.kind === 'uncertain' && base.cyberArkAccountId)
        return await this.converge(accounts, await accounts.getAccount(base.cyberArkAccountId), desired);
    } catch (error) {
      // Someone deleted the backup in CyberArk: recreate it rather than failing forever.
      if (!isAccountNotFound(error)) throw error;
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

  /** Diffs against the account as read from CyberArk; its secret is unknowable there, so it is always set. */
  private converge(
    accounts: CyberArkAccountsPort,
    account: CyberArkAccount,
    desired: DesiredAccount,
  ): Promise<WriteResult> {
    return this.update(accounts, account.id, fingerprintOfExisting(account, this.hash), desired);
  }

  private async createOrAdopt(accounts: CyberArkAccountsPort, desired: DesiredAccount): Promise<WriteResult> {
    const { account, created } = await accounts.addAccount(toNewAccount(desired));
    if (created)
      return { cyberArkAccountId: account.id, fingerprint: fingerprintOf(desired, this.hash), writes: 1 };
    // The name is taken by our own earlier write (e.g. the process died before recording it):
    // converge that account instead of creating a second one.
    const adopted = await this.converge(accounts, account, desired);
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
