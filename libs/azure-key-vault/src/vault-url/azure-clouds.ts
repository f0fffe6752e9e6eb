/**
 * The Azure clouds whose Key Vaults we accept, by vault DNS suffix. `vault.microsoftazure.de` (Microsoft
 * Cloud Deutschland) is deliberately absent: that cloud closed on 29 October 2021 and its vaults were
 * migrated to the public cloud, so the suffix would only ever name something that is not Key Vault.
 * Managed HSM (`managedhsm.azure.net`) is a different service with its own roles and is not supported.
 */
export const AZURE_CLOUD_NAMES = ['public', 'china', 'us-government'] as const;

export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

export interface AzureCloud {
  readonly name: AzureCloudName;
  /** A vault host is exactly `<vault-name>.<vaultSuffix>`. */
  readonly vaultSuffix: string;
  /** Entra ID authority of the cloud (MSAL knows these; no instance discovery override needed). */
  readonly authorityHost: string;
  /** The resource a Key Vault token is for: `<resource>/.default`. */
  readonly resource: string;
}

export const AZURE_CLOUDS: Readonly<Record<AzureCloudName, AzureCloud>> = {
  public: {
    name: 'public',
    vaultSuffix: 'vault.azure.net',
    authorityHost: 'https://login.microsoftonline.com',
    resource: 'https://vault.azure.net',
  },
  china: {
    name: 'china',
    vaultSuffix: 'vault.azure.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    resource: 'https://vault.azure.cn',
  },
  'us-government': {
    name: 'us-government',
    vaultSuffix: 'vault.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    resource: 'https://vault.usgovcloudapi.net',
  },
};

/** The cloud whose vault suffix the host ends with at a label boundary. */
export function cloudOfHost(hostname: string, clouds: readonly AzureCloudName[]): AzureCloud | undefined {
  return clouds.map((name) => AZURE_CLOUDS[name]).find((cloud) => hostname.endsWith(`.${cloud.vaultSuffix}`));
}
