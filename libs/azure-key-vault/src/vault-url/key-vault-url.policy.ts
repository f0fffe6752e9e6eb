import { ConfigurationError } from '@vault-backup/errors';
import {
  type GuardedLookup,
  type HostResolver,
  TenantUrlPolicy,
  UrlNotAllowedError,
  classifyAddress,
  isIpLiteral,
} from '@vault-backup/url-policy';
import {
  AZURE_CLOUD_NAMES,
  type AzureCloud,
  type AzureCloudName,
  cloudOfHost,
  AZURE_CLOUDS,
} from './azure-clouds';

export interface KeyVaultUrlPolicyOptions {
  /** Clouds whose vaults are accepted. Default: all of `AZURE_CLOUD_NAMES`; the first one takes bare names. */
  readonly clouds?: readonly AzureCloudName[];
  /**
   * Tests and the local simulator only: accept `https://127.0.0.1:<port>` (and `[::1]`). Never other
   * internal ranges; also the only case that switches off the SDK's challenge resource verification.
   */
  readonly allowInsecureLoopback?: boolean;
  /** DNS resolution for the resolve-then-connect check; defaults to the system resolver. */
  readonly resolver?: HostResolver;
}

/** A vault address that passed the policy. */
export interface VaultAddress {
  /** Normalised: `https://<host>` (with `:<port>` only for a loopback simulator), no path. */
  readonly url: string;
  readonly hostname: string;
  /** The cloud the host belongs to; undefined for an allowed loopback address. */
  readonly cloud?: AzureCloud;
  readonly loopback: boolean;
}

/** Key Vault names: 3-24 letters, digits and hyphens, starting with a letter, no `--`, not ending in `-`. */
const VAULT_NAME = /^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/i;

/**
 * Customer-supplied Key Vault addresses, SSRF-safe exactly like CyberArk tenant URLs: the pure rules
 * and the resolve-then-connect lookup are `TenantUrlPolicy`'s, with the vault DNS suffixes of the
 * allowed clouds as its domains. On top: a bare vault name is accepted (`acme` →
 * `https://acme.vault.azure.net`), the host must be exactly `<vault-name>.<suffix>`, and the
 * normalised form never has a path (the SDK builds `<vault>/keys/...` from it).
 */
export class KeyVaultUrlPolicy {
  readonly clouds: readonly AzureCloudName[];
  readonly allowsInsecureLoopback: boolean;
  readonly #tenantPolicy: TenantUrlPolicy;

  constructor(options: KeyVaultUrlPolicyOptions = {}) {
    this.clouds = [...new Set(options.clouds ?? AZURE_CLOUD_NAMES)];
    const unknown = this.clouds.filter((name) => !AZURE_CLOUD_NAMES.includes(name));
    if (this.clouds.length === 0 || unknown.length > 0) {
      throw new ConfigurationError([
        `Key Vault clouds must be some of ${AZURE_CLOUD_NAMES.join(', ')}${unknown.length > 0 ? ` (not ${unknown.join(', ')})` : ''}`,
      ]);
    }
    this.allowsInsecureLoopback = options.allowInsecureLoopback ?? false;
    this.#tenantPolicy = new TenantUrlPolicy({
      allowedDomains: this.clouds.map((name) => AZURE_CLOUDS[name].vaultSuffix),
      allowInsecureLoopback: this.allowsInsecureLoopback,
      ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
    });
  }

  /** The canonical text stored and compared; throws `UrlNotAllowedError` naming the rule it breaks. */
  normalize(raw: string): string {
    return this.resolve(raw).url;
  }

  resolve(raw: string): VaultAddress {
    const text = typeof raw === 'string' ? raw.trim() : '';
    const url = this.#tenantPolicy.parse(this.#expandBareName(text));
    const loopback = this.#isAllowedLoopback(url);
    if (url.protocol !== 'https:') throw new UrlNotAllowedError('scheme-not-allowed', 'must use https');
    if (url.pathname !== '/') {
      throw new UrlNotAllowedError('path-not-allowed', 'must be the bare vault address without a path');
    }
    if (loopback) return { url: `https://${url.host}`, hostname: url.hostname, loopback };
    const cloud = cloudOfHost(url.hostname, this.clouds);
    const vaultName = cloud === undefined ? '' : url.hostname.slice(0, -cloud.vaultSuffix.length - 1);
    if (cloud === undefined || !VAULT_NAME.test(vaultName)) {
      throw new UrlNotAllowedError(
        'host-not-allowed',
        `must be <vault-name>.${this.#suffixes()} with a vault name of 3-24 letters, digits and hyphens`,
      );
    }
    return { url: `https://${url.hostname}`, hostname: url.hostname, cloud, loopback };
  }

  /**
   * What every vault request must pass, whatever its path: the origin rules again (a redirect or a
   * key id could name another host) and exact equality with the connection's vault.
   */
  assertSameVault(requestUrl: URL, vault: VaultAddress): void {
    this.#tenantPolicy.assertOrigin(requestUrl);
    if (requestUrl.protocol !== 'https:' || `https://${requestUrl.host}` !== vault.url) {
      throw new UrlNotAllowedError('host-not-allowed', 'requests may only go to the configured vault');
    }
  }

  /** `dns.lookup`-compatible resolve-then-connect: refuses internal addresses (loopback only with the test switch). */
  get lookup(): GuardedLookup {
    return this.#tenantPolicy.lookup;
  }

  #expandBareName(text: string): string {
    if (text.includes('://')) return text;
    if (VAULT_NAME.test(text))
      return `https://${text.toLowerCase()}.${AZURE_CLOUDS[this.clouds[0]].vaultSuffix}`;
    throw new UrlNotAllowedError(
      'malformed',
      `must be a Vault URI (https://<vault-name>.${this.#suffixes()}) or a vault name of 3-24 letters, digits and hyphens`,
    );
  }

  #isAllowedLoopback(url: URL): boolean {
    if (!this.allowsInsecureLoopback || !isIpLiteral(url.hostname)) return false;
    return classifyAddress(url.hostname.replace(/^\[|\]$/g, '')) === 'loopback';
  }

  #suffixes(): string {
    const suffixes = this.clouds.map((name) => AZURE_CLOUDS[name].vaultSuffix);
    return suffixes.length === 1 ? suffixes[0] : `{${suffixes.join('|')}}`;
  }
}
