import { type Secret } from '@vault-backup/config';
import { AccountsApi } from '../accounts/accounts.api';
import { type BreakerState } from '../cyberark.observer';
import { type CyberArkPort } from '../cyberark.port';
import {
  type AddAccountResult,
  type CyberArkAccount,
  type JsonPatchOp,
  type NewCyberArkAccount,
  type PlatformDefinition,
  type PlatformDetails,
  type SafeDetails,
  type SafeMember,
  type TenantConnection,
} from '../cyberark.types';
import { PlatformsApi } from '../platforms/platforms.api';
import { SafesApi } from '../safes/safes.api';
import { tenantKeyOf } from '../tenant/tenant-key';
import { TenantUrls } from '../tenant/tenant-urls';
import { TokenProvider } from '../token/token.provider';
import { TenantCircuitBreaker } from '../transport/circuit-breaker';
import { HttpTransport } from '../transport/http.transport';
import { type CyberArkClientOptions, resolveClientOptions } from './cyberark-client.options';
import { PrivilegeCloudRequester } from './privilege-cloud.requester';

/**
 * The Privilege Cloud adapter for one tenant and service user: its own token cache, circuit breaker
 * and connection pool. Get instances from `CyberArkClientFactory` so a tenant never has two.
 */
export class CyberArkClient implements CyberArkPort {
  readonly tenantKey: string;
  readonly #breaker: TenantCircuitBreaker;
  readonly #transport: HttpTransport;
  readonly #accounts: AccountsApi;
  readonly #safes: SafesApi;
  readonly #platforms: PlatformsApi;

  constructor(connection: TenantConnection, options: CyberArkClientOptions = {}) {
    const resolved = resolveClientOptions(options);
    const urls = new TenantUrls(connection.identityUrl, connection.privilegeCloudUrl);
    this.tenantKey = tenantKeyOf(connection);
    this.#breaker = new TenantCircuitBreaker(this.tenantKey, resolved.breaker, resolved.observer);
    this.#transport = new HttpTransport({ ...resolved, tenantKey: this.tenantKey, breaker: this.#breaker });
    const tokens = new TokenProvider({
      tenantKey: this.tenantKey,
      tokenUrl: urls.tokenUrl,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      transport: this.#transport,
      policy: resolved.token,
      observer: resolved.observer,
      now: resolved.now,
    });
    const requester = new PrivilegeCloudRequester(this.#transport, tokens);
    this.#accounts = new AccountsApi(urls, requester, resolved);
    this.#safes = new SafesApi(urls, requester);
    this.#platforms = new PlatformsApi(urls, requester);
  }

  findAccountByName(safe: string, name: string): Promise<CyberArkAccount | null> {
    return this.#accounts.findAccountByName(safe, name);
  }

  getAccount(id: string): Promise<CyberArkAccount> {
    return this.#accounts.getAccount(id);
  }

  addAccount(account: NewCyberArkAccount): Promise<AddAccountResult> {
    return this.#accounts.addAccount(account);
  }

  updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<CyberArkAccount> {
    return this.#accounts.updateAccount(id, ops);
  }

  updateSecret(id: string, secret: Secret): Promise<void> {
    return this.#accounts.updateSecret(id, secret);
  }

  /** Tests and tools only: the backup never deletes. */
  deleteAccount(id: string): Promise<void> {
    return this.#accounts.deleteAccount(id);
  }

  listAccounts(safe: string): AsyncGenerator<CyberArkAccount, void, undefined> {
    return this.#accounts.listAccounts(safe);
  }

  getSafe(name: string): Promise<SafeDetails> {
    return this.#safes.getSafe(name);
  }

  getSafeMember(safe: string, memberName: string): Promise<SafeMember | null> {
    return this.#safes.getSafeMember(safe, memberName);
  }

  listSafeMembers(safe: string): Promise<SafeMember[]> {
    return this.#safes.listSafeMembers(safe);
  }

  getPlatform(id: string): Promise<PlatformDefinition> {
    return this.#platforms.getPlatform(id);
  }

  getPlatformDetails(id: string): Promise<PlatformDetails> {
    return this.#platforms.getPlatformDetails(id);
  }

  getBreakerState(): BreakerState {
    return this.#breaker.state;
  }

  /** Stops the breaker's timers and closes pooled connections; later calls fail as `circuit-open`. */
  dispose(): void {
    this.#breaker.shutdown();
    this.#transport.dispose();
  }
}
