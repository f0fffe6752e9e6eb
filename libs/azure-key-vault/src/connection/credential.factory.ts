import {
  ClientSecretCredential,
  DefaultAzureCredential,
  type TokenCredential,
  type TokenCredentialOptions,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { KeyVaultError } from '../key-vault.errors';
import { type KeyVaultCredentialConfig } from './key-vault-connection.options';
import { type VaultPolicyConfig } from './vault-network';

export interface CredentialSettings {
  /** The cloud's authority, or the operator's override. */
  readonly authorityHost: string;
  /** True exactly when the authority is an override (a simulator): MSAL cannot discover it. */
  readonly disableInstanceDiscovery: boolean;
  readonly additionalPolicies: VaultPolicyConfig[];
}

/** Entra directory (tenant) ids: a GUID or a verified domain name. Checked before MSAL builds a URL with it. */
const TENANT_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;
const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds the credential of one connection. Token requests get no SDK retries (the service has one
 * retry policy) and go through the connection's network policies (agent with the guarded lookup and
 * extra CA, request timeout). No `additionallyAllowedTenants`: a vault of another tenant must fail
 * as `tenant-mismatch`, not silently get a token there.
 */
export function createCredential(
  config: KeyVaultCredentialConfig,
  settings: CredentialSettings,
): TokenCredential {
  const options: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
    authorityHost: settings.authorityHost,
    retryOptions: { maxRetries: 0 },
    redirectOptions: { maxRetries: 0 },
    additionalPolicies: settings.additionalPolicies,
    ...(settings.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
  };
  switch (config.kind) {
    case 'client-secret':
      assertIds(config.tenantId, config.clientId);
      // The only place the client secret leaves its Secret wrapper: handed to the SDK.
      return new ClientSecretCredential(
        config.tenantId,
        config.clientId,
        config.clientSecret.reveal(),
        options,
      );
    case 'workload-identity':
      return new WorkloadIdentityCredential({
        ...options,
        ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
        ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
        ...(config.tokenFilePath === undefined ? {} : { tokenFilePath: config.tokenFilePath }),
      });
    case 'default':
      return new DefaultAzureCredential({
        ...options,
        ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
      });
  }
}

function assertIds(tenantId: string, clientId: string): void {
  if (!TENANT_ID.test(tenantId)) {
    throw new KeyVaultError(
      'authentication-failed',
      'the Directory (tenant) ID must be a GUID or a domain name of the tenant',
      { operation: 'get-token' },
    );
  }
  if (!CLIENT_ID.test(clientId)) {
    throw new KeyVaultError('authentication-failed', 'the Application (client) ID must be a GUID', {
      operation: 'get-token',
    });
  }
}
