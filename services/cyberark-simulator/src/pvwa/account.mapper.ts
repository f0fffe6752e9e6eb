import { type StoredAccount, type StoredPlatform } from '../state/state.types';
import { visibleProperties } from './platform-properties';

/** An account as Privilege Cloud returns it: whitelisted fields, never the secret (reference §3.1). */
export interface ApiAccount {
  categoryModificationTime: number;
  platformId: string;
  safeName: string;
  id: string;
  name: string;
  address: string;
  userName: string;
  secretType: 'password' | 'key';
  platformAccountProperties: Record<string, string>;
  secretManagement: {
    automaticManagementEnabled: boolean;
    manualManagementReason?: string;
    status: string;
    lastModifiedTime: number;
  };
  remoteMachinesAccess?: { remoteMachines?: string; accessRestrictedToRemoteMachines?: boolean };
  createdTime: number;
}

export function toApiAccount(account: StoredAccount, platform: StoredPlatform | undefined): ApiAccount {
  const management = account.secretManagement;
  const api: ApiAccount = {
    categoryModificationTime: account.categoryModificationTime,
    platformId: account.platformId,
    safeName: account.safeName,
    id: account.id,
    name: account.name,
    address: account.address,
    userName: account.userName,
    secretType: account.secretType,
    platformAccountProperties: visibleProperties(platform, account.platformAccountProperties),
    secretManagement: {
      automaticManagementEnabled: management.automaticManagementEnabled,
      ...(management.manualManagementReason !== undefined
        ? { manualManagementReason: management.manualManagementReason }
        : {}),
      status: management.status,
      lastModifiedTime: management.lastModifiedTime,
    },
    createdTime: account.createdTime,
  };
  if (account.remoteMachinesAccess) api.remoteMachinesAccess = { ...account.remoteMachinesAccess };
  return api;
}
