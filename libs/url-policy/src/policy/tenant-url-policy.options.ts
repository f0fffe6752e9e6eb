import { type HostResolver } from '../network/host-resolver';

export interface TenantUrlPolicyOptions {
  /**
   * A host must equal one of these domains or sit under it at a label boundary
   * (`x.cyberark.cloud` matches `cyberark.cloud`; `evilcyberark.cloud` does not). Default `cyberark.cloud`.
   */
  readonly allowedDomains?: readonly string[];
  /** Ports a tenant URL may name. Default 443 only. */
  readonly allowedPorts?: readonly number[];
  /**
   * Demo and tests only: accept `http(s)://127.0.0.1:<any port>/<path>` (and `[::1]`) and let names
   * resolve to loopback. Never other internal ranges.
   */
  readonly allowInsecureLoopback?: boolean;
  /** DNS resolution for the resolve-then-connect checks; defaults to the system resolver. */
  readonly resolver?: HostResolver;
  /** How long a host that resolved to public addresses is trusted by `beforeRequest`. Default 30 s. */
  readonly verdictTtlMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_ALLOWED_DOMAINS: readonly string[] = ['cyberark.cloud'];
export const DEFAULT_ALLOWED_PORTS: readonly number[] = [443];
export const MAX_URL_LENGTH = 2_048;
