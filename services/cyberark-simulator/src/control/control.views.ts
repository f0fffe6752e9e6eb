import { faultView } from '@vault-backup/simulator-kit';
import { type SimulatorState } from '../state/simulator-state';
import { type CcpApp, type StoredAccount, type StoredSafe } from '../state/state.types';
import { type TenantState } from '../state/tenant-state';

/** JSON views of the state for the control API. Service-account secrets are never shown; account secrets are (test assertions). */

export function tenantView(tenant: TenantState, state: SimulatorState) {
  return {
    id: tenant.id,
    behaviour: { ...tenant.behaviour },
    serviceAccounts: tenant
      .listServiceAccounts()
      .map(({ clientId, isOauthConfidentialClient }) => ({ clientId, isOauthConfidentialClient })),
    platforms: tenant.listPlatforms().map((platform) => ({ ...platform })),
    safes: tenant.listSafes().map(safeView),
    ccpApps: state.listCcpApps(tenant.id).map(ccpAppView),
    accountCount: tenant.accountCount(),
    latency: [...tenant.latency.list()],
    faults: tenant.faults.list().map(faultView),
  };
}

export function safeView(safe: StoredSafe) {
  return {
    safeName: safe.safeName,
    safeNumber: safe.safeNumber,
    description: safe.description,
    accountCount: safe.accounts.size,
    members: [...safe.members.values()].map((member) => ({
      ...member,
      permissions: { ...member.permissions },
    })),
  };
}

export function ccpAppView(app: CcpApp) {
  return {
    appId: app.appId,
    tenantId: app.tenantId,
    allowedSafes: [...app.allowedSafes],
    clientCertificates: app.clientCertificates.map((ref) => ({ ...ref })),
  };
}

/** The full stored account, secret and every property included: a simulator-only view for assertions. */
export function accountView(account: StoredAccount) {
  return {
    ...account,
    platformAccountProperties: { ...account.platformAccountProperties },
    secretManagement: { ...account.secretManagement },
    ...(account.remoteMachinesAccess ? { remoteMachinesAccess: { ...account.remoteMachinesAccess } } : {}),
  };
}
