import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';

/** An app registration with one client secret, stored only as its SHA-256. */
export interface AppRegistration {
  tenantId: string;
  clientId: string;
  /** Object id of the app's service principal: the `oid` of its tokens. */
  objectId: string;
  secretHash: Buffer;
}

export interface EntraTenant {
  id: string;
  apps: Map<string, AppRegistration>;
}

export type ClientAuthentication =
  | { kind: 'authenticated'; app: AppRegistration }
  | { kind: 'unknown-tenant' }
  | { kind: 'unknown-client' }
  | { kind: 'wrong-secret'; app: AppRegistration };

const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** Tenants and their app registrations. Tenant and client ids are GUID-like: compared case-insensitively. */
export class EntraDirectory {
  private readonly tenants = new Map<string, EntraTenant>();

  ensureTenant(tenantId: string): EntraTenant {
    const key = tenantId.toLowerCase();
    const existing = this.tenants.get(key);
    if (existing) return existing;
    const tenant: EntraTenant = { id: tenantId, apps: new Map() };
    this.tenants.set(key, tenant);
    return tenant;
  }

  getTenant(tenantId: string): EntraTenant | undefined {
    return this.tenants.get(tenantId.toLowerCase());
  }

  listTenants(): EntraTenant[] {
    return [...this.tenants.values()];
  }

  /** Registers the app, or replaces its secret (the old secret stops working at once). */
  putApp(tenantId: string, clientId: string, clientSecret: string): AppRegistration {
    const tenant = this.ensureTenant(tenantId);
    const existing = tenant.apps.get(clientId.toLowerCase());
    const app: AppRegistration = {
      tenantId: tenant.id,
      clientId,
      objectId: existing?.objectId ?? randomUUID(),
      secretHash: hashSecret(clientSecret),
    };
    tenant.apps.set(clientId.toLowerCase(), app);
    return app;
  }

  deleteApp(tenantId: string, clientId: string): boolean {
    return this.getTenant(tenantId)?.apps.delete(clientId.toLowerCase()) ?? false;
  }

  getApp(tenantId: string, clientId: string): AppRegistration | undefined {
    return this.getTenant(tenantId)?.apps.get(clientId.toLowerCase());
  }

  authenticate(tenantId: string, clientId: string, clientSecret: string): ClientAuthentication {
    const tenant = this.getTenant(tenantId);
    if (!tenant) return { kind: 'unknown-tenant' };
    const app = tenant.apps.get(clientId.toLowerCase());
    if (!app) return { kind: 'unknown-client' };
    if (!timingSafeEqual(app.secretHash, hashSecret(clientSecret))) return { kind: 'wrong-secret', app };
    return { kind: 'authenticated', app };
  }

  clear(): void {
    this.tenants.clear();
  }
}
