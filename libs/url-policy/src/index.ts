export * from './errors/url-not-allowed.error';
export { classifyAddress, isIpLiteral, type AddressVerdict } from './network/address-guard';
export { systemResolver, type HostResolver, type ResolvedAddress } from './network/host-resolver';
export {
  TenantUrlPolicy,
  type GuardedLookup,
  type LookupAnswer,
  type LookupCallback,
  type TenantNetworkOptions,
} from './policy/tenant-url.policy';
export {
  DEFAULT_ALLOWED_DOMAINS,
  DEFAULT_ALLOWED_PORTS,
  MAX_URL_LENGTH,
  type TenantUrlPolicyOptions,
} from './policy/tenant-url-policy.options';
