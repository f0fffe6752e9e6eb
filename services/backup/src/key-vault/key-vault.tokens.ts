/** `KeyVaultConnectionFactory`: every Key Vault connection of the process (pools, credentials, policy). */
export const KEY_VAULT_CONNECTIONS = Symbol('KEY_VAULT_CONNECTIONS');
/** `WorkspaceKeyRegistry`: the workspaces' own keys, read from PostgreSQL. */
export const WORKSPACE_KEY_REGISTRY = Symbol('WORKSPACE_KEY_REGISTRY');
/** `WorkspaceSecretsDecryptor`: event secrets decrypted with the workspace's key. */
export const WORKSPACE_SECRETS_DECRYPTOR = Symbol('WORKSPACE_SECRETS_DECRYPTOR');
/** `JweSecretsDecryptor | null`: LOCAL_UNWRAP_KEYS_FILE, for workspaces without a key integration (development). */
export const DEVELOPMENT_SECRETS_DECRYPTOR = Symbol('DEVELOPMENT_SECRETS_DECRYPTOR');
