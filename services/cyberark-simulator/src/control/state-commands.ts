import { type SimulatorState } from '../state/simulator-state';
import { type CcpApp, type StoredAccount, type StoredPlatform, type StoredSafe } from '../state/state.types';
import { type TenantState } from '../state/tenant-state';
import { ControlErrors } from './control.errors';
import {
  type CcpAppInput,
  type MemberInput,
  type PlatformInput,
  type SafeInput,
  type SeedAccountInput,
  type SeedDocument,
} from './control.schemas';

/** State changes shared by the control API and the seed file. */

export function putPlatform(tenant: TenantState, id: string, input: PlatformInput): StoredPlatform {
  return tenant.putPlatform({
    id,
    name: input.name ?? id,
    active: input.active,
    systemType: input.systemType,
    platformType: input.platformType,
    description: input.description,
    required: input.required,
    optional: input.optional,
    details: input.details,
  });
}

export function putSafe(tenant: TenantState, safeName: string, input: SafeInput): StoredSafe {
  const safe = tenant.putSafe(safeName, input.description);
  if (!input.members) return safe;
  safe.members.clear();
  for (const member of input.members) putMember(tenant, safe, member.memberName, member);
  return safe;
}

export function putMember(
  tenant: TenantState,
  safe: StoredSafe,
  memberName: string,
  input: MemberInput,
): void {
  tenant.putMember(safe, memberName, input.memberType, input.permissions);
}

export function putCcpApp(
  state: SimulatorState,
  tenant: TenantState,
  appId: string,
  input: CcpAppInput,
): CcpApp {
  const existing = state.getCcpApp(appId);
  if (existing && existing.tenantId !== tenant.id) {
    throw ControlErrors.conflict(`AppID ${appId} already belongs to tenant ${existing.tenantId}`);
  }
  const app: CcpApp = {
    appId,
    tenantId: tenant.id,
    allowedSafes: new Set(input.allowedSafes.map((safeName) => safeName.toLowerCase())),
    clientCertificates: input.clientCertificates.map((ref) => ({ ...ref })),
  };
  state.putCcpApp(app);
  return app;
}

export function seedAccount(tenant: TenantState, input: SeedAccountInput): StoredAccount {
  const safe = tenant.getSafe(input.safeName);
  if (!safe) throw ControlErrors.notFound(`safe ${input.safeName}`);
  const name = input.name ?? [input.platformId, input.address, input.userName].filter(Boolean).join('-');
  if (tenant.accountsNamed(safe, name).length > 0)
    throw ControlErrors.conflict(`account ${name} already exists`);
  const now = Math.floor(Date.now() / 1000);
  return tenant.insertAccount(safe, {
    name,
    address: input.address,
    userName: input.userName,
    platformId: input.platformId,
    secretType: input.secretType,
    secret: input.secret,
    platformAccountProperties: { ...input.platformAccountProperties },
    secretManagement: {
      automaticManagementEnabled: input.automaticManagementEnabled,
      ...(input.manualManagementReason !== undefined
        ? { manualManagementReason: input.manualManagementReason }
        : {}),
      status: 'success',
      lastModifiedTime: now,
    },
    createdTime: now,
    categoryModificationTime: now,
  });
}

export function applySeed(state: SimulatorState, seed: SeedDocument, env: NodeJS.ProcessEnv): void {
  for (const tenantSeed of seed.tenants) {
    const tenant = state.getOrCreateTenant(tenantSeed.id);
    if (tenantSeed.behaviour) tenant.updateBehaviour(tenantSeed.behaviour);
    for (const account of tenantSeed.serviceAccounts) {
      const secret = account.clientSecret ?? env[account.clientSecretEnv ?? ''];
      if (!secret) throw ControlErrors.notFound(`environment variable ${account.clientSecretEnv ?? ''}`);
      tenant.putServiceAccount(account.clientId, secret, account.isOauthConfidentialClient);
    }
    for (const platform of tenantSeed.platforms) putPlatform(tenant, platform.id, platform);
    for (const safe of tenantSeed.safes) putSafe(tenant, safe.safeName, safe);
    for (const account of tenantSeed.accounts) seedAccount(tenant, account);
    for (const app of tenantSeed.ccpApps) putCcpApp(state, tenant, app.appId, app);
  }
}
