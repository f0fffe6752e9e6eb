import { TenantState } from './tenant-state';
import { type CcpApp } from './state.types';

export interface IssuedToken {
  tenantId: string;
  clientId: string;
  expiresAtMs: number;
}

const TOKEN_PURGE_INTERVAL = 10_000;

/** The whole in-memory world: tenants, live tokens and CCP applications. */
export class SimulatorState {
  private readonly tenants = new Map<string, TenantState>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly ccpApps = new Map<string, CcpApp>();

  reset(): void {
    this.tenants.clear();
    this.tokens.clear();
    this.ccpApps.clear();
  }

  /** Tenant ids are case-insensitive so that `/t/Acme/...` and `/t/acme/...` reach the same tenant. */
  getTenant(tenantId: string): TenantState | undefined {
    return this.tenants.get(tenantId.toLowerCase());
  }

  getOrCreateTenant(tenantId: string): TenantState {
    const key = tenantId.toLowerCase();
    const existing = this.tenants.get(key);
    if (existing) return existing;
    const tenant = new TenantState(key);
    this.tenants.set(key, tenant);
    return tenant;
  }

  deleteTenant(tenantId: string): boolean {
    const key = tenantId.toLowerCase();
    this.revokeTokens(key);
    for (const [appKey, app] of this.ccpApps) if (app.tenantId === key) this.ccpApps.delete(appKey);
    return this.tenants.delete(key);
  }

  listTenants(): TenantState[] {
    return [...this.tenants.values()];
  }

  // Tokens -----------------------------------------------------------------------------------

  saveToken(token: string, issued: IssuedToken): void {
    this.tokens.set(token, issued);
    // Long runs with short TTLs would otherwise keep every token ever issued.
    if (this.tokens.size % TOKEN_PURGE_INTERVAL === 0) this.purgeExpiredTokens(Date.now());
  }

  private purgeExpiredTokens(nowMs: number): void {
    for (const [token, issued] of this.tokens) if (issued.expiresAtMs <= nowMs) this.tokens.delete(token);
  }

  /** The token's record if it is live; expired tokens are forgotten on sight. */
  findLiveToken(token: string, nowMs: number): IssuedToken | undefined {
    const issued = this.tokens.get(token);
    if (!issued) return undefined;
    if (issued.expiresAtMs > nowMs) return issued;
    this.tokens.delete(token);
    return undefined;
  }

  /** Revokes every token of a tenant (optionally of one client); returns how many were live. */
  revokeTokens(tenantId: string, clientId?: string): number {
    let revoked = 0;
    for (const [token, issued] of this.tokens) {
      if (issued.tenantId !== tenantId) continue;
      if (clientId !== undefined && issued.clientId.toLowerCase() !== clientId.toLowerCase()) continue;
      this.tokens.delete(token);
      revoked++;
    }
    return revoked;
  }

  // CCP applications -------------------------------------------------------------------------

  /** AppIDs are global because the CCP URL carries no tenant. */
  putCcpApp(app: CcpApp): void {
    this.ccpApps.set(app.appId.toLowerCase(), app);
  }

  getCcpApp(appId: string): CcpApp | undefined {
    return this.ccpApps.get(appId.toLowerCase());
  }

  deleteCcpApp(appId: string): boolean {
    return this.ccpApps.delete(appId.toLowerCase());
  }

  listCcpApps(tenantId: string): CcpApp[] {
    return [...this.ccpApps.values()].filter((app) => app.tenantId === tenantId);
  }
}
