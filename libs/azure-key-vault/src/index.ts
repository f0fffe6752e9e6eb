export * from './key-vault.errors';
export * from './key-vault-key.port';
export type { KeyDescription, RsaPublicJwk } from './key/key-description';
export {
  KEY_VALIDATION_CHECKS,
  type KeyValidationCheck,
  type KeyValidationCheckName,
  type KeyValidationReport,
  type KeyValidationStatus,
} from './validation/key-validation.types';
export { REQUIRED_KEY_OPERATIONS, REQUIRED_KEY_SIZE_BITS } from './validation/key-requirements';
export { KeyVaultConnectionFactory } from './connection/key-vault-connection.factory';
export {
  DEFAULT_OPERATION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type KeyVaultAdapterOptions,
  type KeyVaultCredentialConfig,
  type KeyVaultKeyTarget,
  type KeyVaultObservation,
  type KeyVaultObserver,
  type VaultConnectTo,
} from './connection/key-vault-connection.options';
export {
  KeyVaultUrlPolicy,
  type KeyVaultUrlPolicyOptions,
  type VaultAddress,
} from './vault-url/key-vault-url.policy';
export {
  AZURE_CLOUDS,
  AZURE_CLOUD_NAMES,
  type AzureCloud,
  type AzureCloudName,
} from './vault-url/azure-clouds';
export { toKeyVaultError, type FailureContext } from './errors/key-vault-error.mapper';
