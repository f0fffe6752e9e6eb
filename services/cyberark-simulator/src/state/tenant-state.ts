import { createHash } from 'node:crypto';
import { FaultInjector } from '../faults/fault-injector';
import { LatencyProfile } from '../faults/latency-profile';
import { type PermissionKey, toSafePermissions } from './permissions';
import {
  type ServiceAccount,
  type StoredAccount,
  type StoredMember,
  type StoredPlatform,
  type StoredSafe,
  type MemberType,
  type TenantBehaviour,
  DEFAULT_BEHAVIOUR,
} from './state.types';

export interface NewAccountFields extends Omit<StoredAccount, 'id' | 'safeName'> {
  safeName?: string;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function hashClientSecret(clientSecret: string): Buffer {
  return createHash('sha256').update(clientSecret, 'utf8').digest();
}

/** Everything one tenant owns. Lookups by name are case-insensitive, as in the Vault. */
export class TenantState {
  behaviour: TenantBehaviour = { ...DEFAULT_BEHAVIOUR };
  readonly faults = new FaultInjector();
  readonly latency = new LatencyProfile();
  private readonly serviceAccounts = new Map<string, ServiceAccount>();
  private readonly platforms = new Map<string, StoredPlatform>();
  private readonly safes = new Map<string, StoredSafe>();
  private readonly safesByNumber = new Map<number, StoredSafe>();
  // Real vaults hold built-in Safes at the lowest numbers; starting above them keeps ids realistic.
  private nextSafeNumber = 2;
  private nextMemberId = 1;

  constructor(readonly id: string) {}

  updateBehaviour(patch: Partial<TenantBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...patch };
  }

  // Service accounts -------------------------------------------------------------------------

  putServiceAccount(
    clientId: string,
    clientSecret: string,
    isOauthConfidentialClient: boolean,
  ): ServiceAccount {
    const account = { clientId, secretHash: hashClientSecret(clientSecret), isOauthConfidentialClient };
    this.serviceAccounts.set(clientId.toLowerCase(), account);
    return account;
  }

  getServiceAccount(clientId: string): ServiceAccount | undefined {
    return this.serviceAccounts.get(clientId.toLowerCase());
  }

  deleteServiceAccount(clientId: string): boolean {
    return this.serviceAccounts.delete(clientId.toLowerCase());
  }

  listServiceAccounts(): ServiceAccount[] {
    return [...this.serviceAccounts.values()];
  }

  // Platforms --------------------------------------------------------------------------------

  putPlatform(platform: StoredPlatform): StoredPlatform {
    this.platforms.set(platform.id.toLowerCase(), platform);
    return platform;
  }

  getPlatform(platformId: string): StoredPlatform | undefined {
    return this.platforms.get(platformId.toLowerCase());
  }

  listPlatforms(): StoredPlatform[] {
    return [...this.platforms.values()];
  }

  // Safes and members ------------------------------------------------------------------------

  putSafe(safeName: string, description: string): StoredSafe {
    const existing = this.getSafe(safeName);
    if (existing) {
      existing.description = description;
      existing.lastModificationTimeMicros = Date.now() * 1000;
      return existing;
    }
    const safe: StoredSafe = {
      safeName,
      safeNumber: this.nextSafeNumber++,
      description,
      creationTime: nowSeconds(),
      lastModificationTimeMicros: Date.now() * 1000,
      members: new Map(),
      accounts: new Map(),
      idsByLowerName: new Map(),
      nextObjectNumber: 1,
    };
    this.safes.set(safeName.toLowerCase(), safe);
    this.safesByNumber.set(safe.safeNumber, safe);
    return safe;
  }

  getSafe(safeName: string): StoredSafe | undefined {
    return this.safes.get(safeName.toLowerCase());
  }

  listSafes(): StoredSafe[] {
    return [...this.safes.values()];
  }

  putMember(
    safe: StoredSafe,
    memberName: string,
    memberType: MemberType,
    granted: Partial<Record<PermissionKey, boolean>>,
  ): StoredMember {
    const existing = safe.members.get(memberName.toLowerCase());
    const member: StoredMember = {
      memberId: existing?.memberId ?? String(this.nextMemberId++),
      memberName,
      memberType,
      permissions: toSafePermissions(granted),
    };
    safe.members.set(memberName.toLowerCase(), member);
    return member;
  }

  getMember(safe: StoredSafe, memberName: string): StoredMember | undefined {
    return safe.members.get(memberName.toLowerCase());
  }

  deleteMember(safe: StoredSafe, memberName: string): boolean {
    return safe.members.delete(memberName.toLowerCase());
  }

  // Accounts ---------------------------------------------------------------------------------

  insertAccount(safe: StoredSafe, fields: NewAccountFields): StoredAccount {
    const id = `${safe.safeNumber}_${safe.nextObjectNumber++}`;
    const account: StoredAccount = { ...fields, id, safeName: safe.safeName };
    safe.accounts.set(id, account);
    this.indexName(safe, account);
    return account;
  }

  findAccount(accountId: string): { safe: StoredSafe; account: StoredAccount } | undefined {
    const safe = this.safesByNumber.get(safeNumberOf(accountId));
    const account = safe?.accounts.get(accountId);
    return safe && account ? { safe, account } : undefined;
  }

  renameAccount(safe: StoredSafe, account: StoredAccount, newName: string): void {
    this.unindexName(safe, account);
    account.name = newName;
    this.indexName(safe, account);
  }

  deleteAccount(safe: StoredSafe, account: StoredAccount): void {
    this.unindexName(safe, account);
    safe.accounts.delete(account.id);
  }

  /** Accounts in `safe` whose name collides with `name` under the tenant's comparison rule. */
  accountsNamed(safe: StoredSafe, name: string): StoredAccount[] {
    const ids = safe.idsByLowerName.get(name.toLowerCase());
    if (!ids) return [];
    const sameCase = this.behaviour.accountNameComparison === 'case-sensitive';
    const found: StoredAccount[] = [];
    for (const id of ids) {
      const account = safe.accounts.get(id);
      if (account && (!sameCase || account.name === name)) found.push(account);
    }
    return found;
  }

  accountCount(): number {
    let count = 0;
    for (const safe of this.safes.values()) count += safe.accounts.size;
    return count;
  }

  private indexName(safe: StoredSafe, account: StoredAccount): void {
    const key = account.name.toLowerCase();
    const ids = safe.idsByLowerName.get(key) ?? new Set<string>();
    ids.add(account.id);
    safe.idsByLowerName.set(key, ids);
  }

  private unindexName(safe: StoredSafe, account: StoredAccount): void {
    const key = account.name.toLowerCase();
    const ids = safe.idsByLowerName.get(key);
    ids?.delete(account.id);
    if (ids?.size === 0) safe.idsByLowerName.delete(key);
  }
}

function safeNumberOf(accountId: string): number {
  const separator = accountId.indexOf('_');
  return separator > 0 ? Number(accountId.slice(0, separator)) : Number.NaN;
}
