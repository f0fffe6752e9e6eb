export * from './cyberark.errors';
export * from './cyberark.types';
export * from './cyberark.port';
export type {
  BreakerState,
  CyberArkClientObserver,
  RequestOutcome,
  TokenRequestOutcome,
} from './cyberark.observer';
export { CyberArkClient } from './client/cyberark.client';
export { CyberArkClientFactory } from './client/cyberark-client.factory';
export type { CyberArkClientOptions } from './client/cyberark-client.options';
export type {
  BreakerOptions,
  BeforeRequestHook,
  LookupFunction,
  NetworkOptions,
  RetryOptions,
} from './transport/transport.options';
export {
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_RETRY_OPTIONS,
  DEFAULT_TIMEOUT_MS,
} from './transport/transport.options';
export type { TokenExpiryPolicy } from './token/token-expiry';
export { DEFAULT_TOKEN_EXPIRY_POLICY } from './token/token-expiry';
export {
  type DesiredAccountState,
  type PatchBuildOptions,
  buildAccountPatch,
  propertyPath,
} from './accounts/account-patch.builder';
export { tenantKeyOf } from './tenant/tenant-key';
export { CcpClient, type CcpClientOptions, type CcpQuery, type CcpSecret } from './ccp/ccp.client';
