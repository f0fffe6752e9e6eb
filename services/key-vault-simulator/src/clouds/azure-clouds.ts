/**
 * The Azure clouds whose Key Vault host names the front door answers to. A vault host is exactly
 * `<vault-name>.<vaultSuffix>` (the DNS suffixes of learn.microsoft.com
 * `key-vault/general/about-keys-secrets-certificates`), and a token for its vaults is for
 * `<resource>/.default`. The same table as libs/azure-key-vault's `azure-clouds.ts`, restated here
 * because the simulator must not depend on the code it tests.
 */
export const AZURE_CLOUD_NAMES = ['public', 'china', 'us-government'] as const;

export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

export interface AzureCloud {
  readonly name: AzureCloudName;
  readonly vaultSuffix: string;
  /** The audience of Key Vault tokens and the `resource` of the vault's 401 challenge. */
  readonly resource: string;
}

export const AZURE_CLOUDS: Readonly<Record<AzureCloudName, AzureCloud>> = {
  public: { name: 'public', vaultSuffix: 'vault.azure.net', resource: 'https://vault.azure.net' },
  china: { name: 'china', vaultSuffix: 'vault.azure.cn', resource: 'https://vault.azure.cn' },
  'us-government': {
    name: 'us-government',
    vaultSuffix: 'vault.usgovcloudapi.net',
    resource: 'https://vault.usgovcloudapi.net',
  },
};

/** Every Key Vault resource a token may be for: one simulated Entra ID stands in for the three clouds. */
export const KEY_VAULT_RESOURCES: readonly string[] = Object.values(AZURE_CLOUDS).map(
  (cloud) => cloud.resource,
);

/** Azure's vault name rule: 3-24 letters, digits and hyphens, first a letter, last no hyphen. */
export const VAULT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;

export interface VaultHost {
  /** Lower case, as DNS compares names. */
  name: string;
  cloud: AzureCloud;
}

/** `<name>.<suffix>`: DNS names are case-insensitive, so the canonical form is lower case. */
export function vaultHostName(name: string, cloud: AzureCloud): string {
  return `${name.toLowerCase()}.${cloud.vaultSuffix}`;
}

/**
 * The vault a `Host` header or TLS server name designates, or undefined for any other host (an IP,
 * localhost, another domain, a name that cannot be a vault). A port, a trailing dot and letter case
 * are ignored: they do not change which DNS name was asked for.
 */
export function parseVaultHost(host: string): VaultHost | undefined {
  if (host.startsWith('[')) return undefined;
  const hostname = host.replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
  for (const cloud of Object.values(AZURE_CLOUDS)) {
    const suffix = `.${cloud.vaultSuffix}`;
    if (!hostname.endsWith(suffix)) continue;
    const name = hostname.slice(0, -suffix.length);
    return VAULT_NAME_PATTERN.test(name) ? { name, cloud } : undefined;
  }
  return undefined;
}
