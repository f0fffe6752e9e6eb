export const DATA_CIPHER = Symbol('DATA_CIPHER');
export const FIELD_HASHER = Symbol('FIELD_HASHER');
/** The service key data keys are wrapped with (`KeyWrapper`): the key ring from DATA_ENCRYPTION_KEYS for now. */
export const SERVICE_KEY_WRAPPER = Symbol('SERVICE_KEY_WRAPPER');
/** The workspaces' own keys (`WorkspaceKeyWrappers`); by default no workspace has one. */
export const WORKSPACE_KEY_WRAPPERS = Symbol('WORKSPACE_KEY_WRAPPERS');
/** Where data keys are kept (`DataKeyStore`): PostgreSQL. */
export const DATA_KEY_STORE = Symbol('DATA_KEY_STORE');
/**
 * A DataCipher for service-scope data only (workspace scopes refused), built without workspace keys:
 * for secrets that must open without any workspace key (e.g. the credentials that reach one), and so
 * usable by the WORKSPACE_KEY_WRAPPERS provider without a dependency cycle.
 */
export const SERVICE_DATA_CIPHER = Symbol('SERVICE_DATA_CIPHER');
/** The same instance as DATA_CIPHER, as `EnvelopeDataCipher`: for `forgetScope` when a key integration changes. */
export const ENVELOPE_DATA_CIPHER = Symbol('ENVELOPE_DATA_CIPHER');
/** `DataKeyRewrapper`: re-wraps data keys after a key rotation, drops a workspace's shares when its key is removed. */
export const DATA_KEY_REWRAPPER = Symbol('DATA_KEY_REWRAPPER');
