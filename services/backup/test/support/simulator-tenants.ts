import { randomBytes } from 'node:crypto';
import {
  BACKUP_SAFE_PERMISSIONS,
  type SafePermissionGrants,
  type SimulatorProcess,
  uniqueName,
} from '@vault-backup/testing';
import { BACKUP_PLATFORM_PROPERTIES } from '../../src/pipeline/mapping/backup-properties';

export const SAFE = 'VaultBackupSafe';
export const PLATFORM = 'VaultBackupPlatform';

export interface TenantOptions {
  /** The tenant's name; a unique one by default. */
  readonly tenant?: string;
  readonly permissions?: SafePermissionGrants;
  readonly optional?: readonly string[];
  readonly required?: readonly string[];
  readonly platformActive?: boolean;
  readonly confidentialClient?: boolean;
  /** Leave the service user out of the Safe. */
  readonly member?: boolean;
}

export interface TenantFixture {
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly identityUrl: string;
  readonly pcloudUrl: string;
  /** The PUT .../connection body for this tenant. */
  readonly connection: {
    identityTenantUrl: string;
    privilegeCloudUrl: string;
    clientId: string;
    clientSecret: string;
  };
}

/** A simulator tenant with a service user, the backup Safe and a platform with the ten properties (all configurable). */
export async function createSimulatorTenant(
  simulator: SimulatorProcess,
  options: TenantOptions = {},
): Promise<TenantFixture> {
  const control = simulator.control;
  const tenant = options.tenant ?? uniqueName('t');
  const clientId = `svc-${tenant}@cyberark.cloud.1`;
  const clientSecret = `cs-${randomBytes(16).toString('hex')}`;
  await control.putTenant(tenant);
  await control.putServiceAccount(tenant, clientId, {
    clientSecret,
    isOauthConfidentialClient: options.confidentialClient ?? true,
  });
  await control.putPlatform(tenant, PLATFORM, {
    active: options.platformActive ?? true,
    optional: [...(options.optional ?? BACKUP_PLATFORM_PROPERTIES)],
    required: [...(options.required ?? [])],
  });
  await control.putSafe(tenant, SAFE, {
    members:
      options.member === false
        ? []
        : [{ memberName: clientId, permissions: options.permissions ?? BACKUP_SAFE_PERMISSIONS }],
  });
  const identityUrl = simulator.identityUrl(tenant);
  const pcloudUrl = simulator.pcloudUrl(tenant);
  return {
    tenant,
    clientId,
    clientSecret,
    identityUrl,
    pcloudUrl,
    connection: { identityTenantUrl: identityUrl, privilegeCloudUrl: pcloudUrl, clientId, clientSecret },
  };
}
