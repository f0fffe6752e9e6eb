import { type VaultOperation } from '../faults/fault.types';

/**
 * Built-in Azure roles for the Key Vault data plane and their data actions, as listed in
 * learn.microsoft.com/azure/role-based-access-control/built-in-roles/security. Only the key
 * actions matter here; the Reader's `vaults/*\/read` covers reading key metadata.
 */
export const KEY_VAULT_ROLES = [
  'Key Vault Administrator',
  'Key Vault Crypto Officer',
  'Key Vault Crypto User',
  'Key Vault Crypto Service Encryption User',
  'Key Vault Reader',
] as const;

export type KeyVaultRole = (typeof KEY_VAULT_ROLES)[number];

const KEYS = 'Microsoft.KeyVault/vaults/keys';

export const ROLE_DATA_ACTIONS: Readonly<Record<KeyVaultRole, readonly string[]>> = {
  'Key Vault Administrator': ['Microsoft.KeyVault/vaults/*'],
  'Key Vault Crypto Officer': [`${KEYS}/*`, 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
  'Key Vault Crypto User': [
    `${KEYS}/read`,
    `${KEYS}/update/action`,
    `${KEYS}/backup/action`,
    `${KEYS}/encrypt/action`,
    `${KEYS}/decrypt/action`,
    `${KEYS}/wrap/action`,
    `${KEYS}/unwrap/action`,
    `${KEYS}/sign/action`,
    `${KEYS}/verify/action`,
  ],
  'Key Vault Crypto Service Encryption User': [
    `${KEYS}/read`,
    `${KEYS}/wrap/action`,
    `${KEYS}/unwrap/action`,
  ],
  'Key Vault Reader': [
    'Microsoft.KeyVault/vaults/*/read',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  ],
};

/** The data action Azure RBAC checks for each simulated operation. */
export const OPERATION_DATA_ACTIONS: Readonly<Record<VaultOperation, string>> = {
  getKey: `${KEYS}/read`,
  wrapKey: `${KEYS}/wrap/action`,
  unwrapKey: `${KEYS}/unwrap/action`,
  encrypt: `${KEYS}/encrypt/action`,
  decrypt: `${KEYS}/decrypt/action`,
};
