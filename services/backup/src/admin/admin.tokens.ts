/** Injection tokens owned by the admin API. */
export const ADMIN_CONFIG = Symbol('ADMIN_CONFIG');
export const ADMIN_METRICS = Symbol('ADMIN_METRICS');
/** The tenant URL policy; global, so the pipeline's CyberArk client factory applies the same one. */
export const TENANT_URL_POLICY = Symbol('TENANT_URL_POLICY');
export const CYBERARK_PROBE = Symbol('CYBERARK_PROBE');
export const CONFIGURATION_STORE = Symbol('CONFIGURATION_STORE');
export const AUDIT_LOG_STORE = Symbol('AUDIT_LOG_STORE');
export const FAILURE_STORE = Symbol('FAILURE_STORE');
export const KEY_INTEGRATION_STORE = Symbol('KEY_INTEGRATION_STORE');
export const KEY_VAULT_PROBE = Symbol('KEY_VAULT_PROBE');
export const REPLAY_JOB_STORE = Symbol('REPLAY_JOB_STORE');
