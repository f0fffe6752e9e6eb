import { LRUCache } from 'lru-cache';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { KeyVaultError } from '../key-vault.errors';
import { type KeyVaultKeyPort } from '../key-vault-key.port';
import { KeyVaultKeyAdapter } from '../key/key-vault-key.adapter';
import { failedCheck } from '../validation/key-validation';
import {
  KEY_VALIDATION_CHECKS,
  type KeyValidationCheck,
  type KeyValidationCheckName,
  type KeyValidationReport,
} from '../validation/key-validation.types';
import { type VaultAddress } from '../vault-url/key-vault-url.policy';
import {
  type KeyVaultAdapterOptions,
  type KeyVaultCredentialConfig,
  type KeyVaultKeyTarget,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './key-vault-connection.options';
import { KeyVaultConnection } from './key-vault.connection';

interface Entry {
  readonly adapter: KeyVaultKeyAdapter;
  readonly credential: KeyVaultCredentialConfig;
}

/** Key Vault object names: 1-127 letters, digits and hyphens. */
const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;

/**
 * Builds and caches one `KeyVaultKeyPort` per key target (vault + key name + identity), so each has
 * one token cache and one keep-alive agent. A changed client secret (rotation) replaces the entry:
 * its credential and cached token belong to the old secret.
 */
export class KeyVaultConnectionFactory {
  readonly #options: ResolvedAdapterOptions;
  readonly #entries: LRUCache<string, Entry>;

  /** Options are validated here, so a bad setting fails at boot. */
  constructor(options: KeyVaultAdapterOptions = {}) {
    this.#options = resolveAdapterOptions(options);
    this.#entries = new LRUCache<string, Entry>({
      max: this.#options.maxConnections,
      dispose: (entry) => entry.adapter.close(),
    });
  }

  /** `https://<host>` for a Vault URI or a bare vault name; throws `UrlNotAllowedError` naming the rule. */
  normalizeVaultUrl(raw: string): string {
    return this.#options.urlPolicy.normalize(raw);
  }

  /**
   * The key's port, created on first use. Throws `KeyVaultError` when the target cannot be used at all
   * (`url-not-allowed`, malformed ids → `authentication-failed`, a missing workload identity →
   * `credential-unavailable`). Callers should ask again per use: an entry may be evicted and closed.
   */
  forKey(target: KeyVaultKeyTarget): KeyVaultKeyPort {
    const vault = this.#resolveVault(target);
    const key = cacheKey(vault, target);
    const existing = this.#entries.get(key);
    if (existing !== undefined && sameCredential(existing.credential, target.credential))
      return existing.adapter;
    const adapter = this.#create(target, vault);
    this.#entries.set(key, { adapter, credential: target.credential });
    return adapter;
  }

  /**
   * Every check of a key target, on a connection of its own (nothing is cached for a target that may
   * never be saved). Never throws for a customer problem, including a refused URL or malformed ids.
   */
  async validate(target: KeyVaultKeyTarget): Promise<KeyValidationReport> {
    let adapter: KeyVaultKeyAdapter;
    try {
      adapter = this.#create(target, this.#resolveVault(target));
    } catch (error) {
      if (error instanceof KeyVaultError) return this.#earlyFailure(error);
      throw error;
    }
    try {
      return await adapter.validate();
    } finally {
      adapter.close();
    }
  }

  /** Closes and forgets a target's connection (e.g. after its integration changed); true if there was one. */
  evict(target: KeyVaultKeyTarget): boolean {
    let vault: VaultAddress;
    try {
      vault = this.#options.urlPolicy.resolve(target.vaultUrl);
    } catch {
      // A URL the policy refuses can never have been cached.
      return false;
    }
    return this.#entries.delete(cacheKey(vault, target));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Closes every connection (agents and their sockets). */
  close(): void {
    this.#entries.clear();
  }

  #create(target: KeyVaultKeyTarget, vault: VaultAddress): KeyVaultKeyAdapter {
    if (!KEY_NAME.test(target.keyName)) {
      throw new KeyVaultError('key-not-found', 'the key name must be 1-127 letters, digits and hyphens', {
        operation: 'connect',
      });
    }
    return new KeyVaultKeyAdapter(new KeyVaultConnection(target, vault, this.#options), this.#options.now);
  }

  #resolveVault(target: KeyVaultKeyTarget): VaultAddress {
    try {
      return this.#options.urlPolicy.resolve(target.vaultUrl);
    } catch (error) {
      if (error instanceof UrlNotAllowedError) {
        throw new KeyVaultError('url-not-allowed', `the vault URL is not allowed: ${error.message}`, {
          operation: 'check-url',
        });
      }
      throw error;
    }
  }

  /** A report for a target refused before any request: the failing check; the rest skipped (the URL decided). */
  #earlyFailure(error: KeyVaultError): KeyValidationReport {
    const failing = checkOfEarlyProblem(error);
    const checks = KEY_VALIDATION_CHECKS.map((name): KeyValidationCheck => {
      if (name === failing) return failedCheck(name, error.problem, error.message);
      if (name === 'vault-url') return { name, status: 'passed', message: 'an allowed Key Vault address' };
      return { name, status: 'skipped', message: `skipped because ${failing} did not pass` };
    });
    return { outcome: 'failed', checkedAt: new Date(this.#options.now()).toISOString(), checks };
  }
}

function checkOfEarlyProblem(error: KeyVaultError): KeyValidationCheckName {
  if (error.problem === 'url-not-allowed') return 'vault-url';
  return error.problem === 'key-not-found' ? 'key-found' : 'authentication';
}

function cacheKey(vault: VaultAddress, target: KeyVaultKeyTarget): string {
  return [vault.url, target.keyName.toLowerCase(), identityOf(target.credential)].join('|');
}

function identityOf(credential: KeyVaultCredentialConfig): string {
  switch (credential.kind) {
    case 'client-secret':
      return `client-secret:${credential.tenantId.toLowerCase()}:${credential.clientId.toLowerCase()}`;
    case 'workload-identity':
      return `workload-identity:${credential.tenantId ?? ''}:${credential.clientId ?? ''}:${credential.tokenFilePath ?? ''}`;
    case 'default':
      return `default:${credential.tenantId ?? ''}`;
  }
}

function sameCredential(a: KeyVaultCredentialConfig, b: KeyVaultCredentialConfig): boolean {
  if (a.kind !== 'client-secret' || b.kind !== 'client-secret') return a.kind === b.kind;
  return a.clientSecret === b.clientSecret || a.clientSecret.reveal() === b.clientSecret.reveal();
}
