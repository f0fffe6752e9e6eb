import { type TenantConnection } from '../cyberark.types';
import { tenantKeyOf } from '../tenant/tenant-key';
import {
  type CyberArkClientOptions,
  mergeClientOptions,
  resolveClientOptions,
} from './cyberark-client.options';
import { CyberArkClient } from './cyberark.client';

interface Entry {
  readonly client: CyberArkClient;
  readonly connection: TenantConnection;
}

/**
 * One client per tenant key (identityUrl + privilegeCloudUrl + clientId), so each tenant has exactly one
 * token cache and one circuit breaker, and a failing tenant never trips another's breaker.
 */
export class CyberArkClientFactory {
  readonly #clients = new Map<string, Entry>();
  readonly #defaults: CyberArkClientOptions;

  /** Defaults are validated here, so a bad configuration fails at boot rather than on first use. */
  constructor(defaults: CyberArkClientOptions = {}) {
    resolveClientOptions(defaults);
    this.#defaults = defaults;
  }

  /**
   * The tenant's client, created on first use. `overrides` apply only when the client is created. A
   * changed client secret (rotation) replaces the client, because its cached token belongs to the old one.
   */
  forTenant(connection: TenantConnection, overrides?: CyberArkClientOptions): CyberArkClient {
    const key = tenantKeyOf(connection);
    const existing = this.#clients.get(key);
    if (existing !== undefined && sameSecret(existing.connection, connection)) return existing.client;
    existing?.client.dispose();
    const client = new CyberArkClient(connection, mergeClientOptions(this.#defaults, overrides));
    this.#clients.set(key, { client, connection });
    return client;
  }

  has(connection: Pick<TenantConnection, 'identityUrl' | 'privilegeCloudUrl' | 'clientId'>): boolean {
    return this.#clients.has(tenantKeyOf(connection));
  }

  /** Disposes and forgets one tenant's client; true if there was one. */
  evict(connection: Pick<TenantConnection, 'identityUrl' | 'privilegeCloudUrl' | 'clientId'>): boolean {
    const key = tenantKeyOf(connection);
    const entry = this.#clients.get(key);
    if (entry === undefined) return false;
    entry.client.dispose();
    return this.#clients.delete(key);
  }

  get size(): number {
    return this.#clients.size;
  }

  disposeAll(): void {
    for (const entry of this.#clients.values()) entry.client.dispose();
    this.#clients.clear();
  }
}

function sameSecret(a: TenantConnection, b: TenantConnection): boolean {
  return a.clientSecret === b.clientSecret || a.clientSecret.reveal() === b.clientSecret.reveal();
}
