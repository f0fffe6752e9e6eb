import { type Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { classifyAddress, isIpLiteral } from '@vault-backup/url-policy';
import { type KeyVaultOperation, type KeyVaultProblem } from '../key-vault.errors';
import { KeyVaultUrlPolicy } from '../vault-url/key-vault-url.policy';

/** How the adapter authenticates to Entra ID for one vault. */
export type KeyVaultCredentialConfig =
  /** A workspace's own service principal (the product's five fields). */
  | {
      readonly kind: 'client-secret';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: Secret;
    }
  /**
   * The service's own key, from Kubernetes workload identity. Unset fields fall back to what the
   * workload identity webhook injects (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE`).
   */
  | {
      readonly kind: 'workload-identity';
      readonly tenantId?: string;
      readonly clientId?: string;
      readonly tokenFilePath?: string;
    }
  /** `DefaultAzureCredential`'s chain (environment, workload identity, managed identity, Azure CLI…): local development. */
  | { readonly kind: 'default'; readonly tenantId?: string };

/** One key in one vault, reached with one credential. */
export interface KeyVaultKeyTarget {
  /** A Vault URI or a bare vault name; normalised by the URL policy. */
  readonly vaultUrl: string;
  /** The key's name; its current version is used and rotations follow. */
  readonly keyName: string;
  readonly credential: KeyVaultCredentialConfig;
}

/** Process-wide settings of the adapter (the operator's, never a customer's). */
export interface KeyVaultAdapterOptions {
  /** Which vault addresses are allowed. Default: every supported cloud, no loopback. */
  readonly urlPolicy?: KeyVaultUrlPolicy;
  /**
   * Entra ID authority override, for simulators (MSAL then needs `disableInstanceDiscovery`, which is
   * set with it). Default: the authority of the vault's cloud, derived from its DNS suffix.
   */
  readonly authorityHost?: string;
  /** A CA certificate (PEM) trusted besides the system roots, e.g. a simulator's throwaway CA. */
  readonly extraCaPem?: string;
  /**
   * Simulators only (curl's `--connect-to`): every vault connection goes to this loopback address while
   * the URL, SNI, certificate check, challenge and key ids keep the vault's own Azure host name. Needs
   * the URL policy's loopback switch; Entra ID connections are not redirected.
   */
  readonly vaultConnectTo?: VaultConnectTo;
  /** Per HTTP request, token requests included. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Per operation (challenge, token and the call itself). Default 30 s. */
  readonly operationTimeoutMs?: number;
  /** Connections kept by the factory (least recently used first out). Default 1000. */
  readonly maxConnections?: number;
  /** Key versions per connection whose CryptographyClient is kept. Default 8. */
  readonly maxKeyVersionsPerConnection?: number;
  /** Told of every operation that reached the network, for metrics; what it throws is ignored. */
  readonly observer?: KeyVaultObserver;
  readonly now?: () => number;
}

/** One operation's end: `ok`, or the problem it failed with. */
export interface KeyVaultObservation {
  readonly operation: KeyVaultOperation;
  readonly outcome: 'ok' | KeyVaultProblem;
  readonly durationMs: number;
}

export type KeyVaultObserver = (observation: KeyVaultObservation) => void;

export interface VaultConnectTo {
  readonly host: string;
  readonly port: number;
}

export interface ResolvedAdapterOptions {
  readonly urlPolicy: KeyVaultUrlPolicy;
  readonly authorityHost?: string;
  readonly extraCaPem?: string;
  readonly vaultConnectTo?: VaultConnectTo;
  readonly requestTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxKeyVersionsPerConnection: number;
  readonly observer: KeyVaultObserver;
  readonly now: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 300_000;

/** Validates once, at boot: a bad setting fails the process, not the first backup. */
export function resolveAdapterOptions(options: KeyVaultAdapterOptions = {}): ResolvedAdapterOptions {
  const problems: string[] = [];
  const read = (name: keyof KeyVaultAdapterOptions, fallback: number, max: number): number =>
    positiveInteger(options[name], fallback, max, name, problems);
  const requestTimeoutMs = read('requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const operationTimeoutMs = read('operationTimeoutMs', DEFAULT_OPERATION_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const maxConnections = read('maxConnections', 1_000, 1_000_000);
  const maxKeyVersions = read('maxKeyVersionsPerConnection', 8, 1_000);
  const authorityHost =
    options.authorityHost === undefined ? undefined : normalizeAuthority(options.authorityHost, problems);
  if (options.extraCaPem !== undefined && !options.extraCaPem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push('extraCaPem must be a PEM certificate');
  }
  const urlPolicy = options.urlPolicy ?? new KeyVaultUrlPolicy();
  if (options.vaultConnectTo !== undefined) checkConnectTo(options.vaultConnectTo, urlPolicy, problems);
  if (problems.length > 0) throw new ConfigurationError(problems.map((problem) => `Key Vault: ${problem}`));
  return {
    urlPolicy,
    ...(options.vaultConnectTo === undefined ? {} : { vaultConnectTo: options.vaultConnectTo }),
    ...(authorityHost === undefined ? {} : { authorityHost }),
    ...(options.extraCaPem === undefined ? {} : { extraCaPem: options.extraCaPem }),
    requestTimeoutMs,
    operationTimeoutMs,
    maxConnections,
    maxKeyVersionsPerConnection: maxKeyVersions,
    observer: options.observer ?? (() => undefined),
    now: options.now ?? Date.now,
  };
}

/** A redirect is a simulator's seam: loopback only, and only where the loopback switch is on. */
function checkConnectTo(target: VaultConnectTo, policy: KeyVaultUrlPolicy, problems: string[]): void {
  if (!policy.allowsInsecureLoopback)
    problems.push('vaultConnectTo needs the loopback switch of the URL policy');
  if (!isIpLiteral(target.host) || classifyAddress(target.host.replace(/^\[|\]$/g, '')) !== 'loopback')
    problems.push('vaultConnectTo must be a loopback IP address');
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535)
    problems.push('vaultConnectTo port must be a TCP port');
}

function positiveInteger(
  value: unknown,
  fallback: number,
  max: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    problems.push(`${name} must be an integer from 1 to ${max}`);
    return fallback;
  }
  return value;
}

/** MSAL accepts only https authorities; ours are bare origins (the tenant is appended per credential). */
function normalizeAuthority(raw: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    problems.push('authorityHost must be an absolute https URL');
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.search !== '' || url.hash !== '') {
    problems.push('authorityHost must be an https origin without user, query or fragment');
    return undefined;
  }
  if (url.pathname !== '/') {
    problems.push('authorityHost must not have a path (the tenant id is appended to it)');
    return undefined;
  }
  return url.origin;
}
