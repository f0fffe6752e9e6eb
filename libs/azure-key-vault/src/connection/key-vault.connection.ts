import { type AccessToken, type TokenCredential } from '@azure/identity';
import {
  type CryptographyClientOptions,
  CryptographyClient,
  KeyClient,
  type KeyVaultKey,
} from '@azure/keyvault-keys';
import { LRUCache } from 'lru-cache';
import { type Secret } from '@vault-backup/config';
import { type FailureContext, toKeyVaultError } from '../errors/key-vault-error.mapper';
import { KeyVaultError, type KeyVaultOperation, type KeyVaultProblem } from '../key-vault.errors';
import { type TrustedKeyId } from '../key-id/key-id';
import { type KeyVaultCalls } from '../key/key-vault-key.adapter';
import { AZURE_CLOUDS } from '../vault-url/azure-clouds';
import { type VaultAddress } from '../vault-url/key-vault-url.policy';
import { createCredential } from './credential.factory';
import { type KeyVaultKeyTarget, type ResolvedAdapterOptions } from './key-vault-connection.options';
import { RefreshTolerantCredential } from './refresh-tolerant.credential';
import { remoteOnlyKey, vaultClientOptions } from './sdk-clients';
import { VaultNetwork } from './vault-network';

/**
 * The Azure SDK objects of one key: one credential (and so one token cache), one `KeyClient`, and a
 * `CryptographyClient` per key version, all on one network. Knows nothing of problems and reports:
 * it runs SDK calls under a deadline and translates what they throw.
 */
export class KeyVaultConnection implements KeyVaultCalls {
  readonly vault: VaultAddress;
  readonly keyName: string;
  /** The scope of a Key Vault token in the vault's cloud (the public cloud's for a loopback simulator). */
  readonly scope: string;
  readonly #credential: TokenCredential;
  /** What the vault clients authenticate with (see `RefreshTolerantCredential`). */
  readonly #clientCredential: TokenCredential;
  readonly #keyClient: KeyClient;
  readonly #cryptoClients: LRUCache<string, CryptographyClient>;
  readonly #network: VaultNetwork;
  readonly #secrets: readonly Secret<unknown>[];
  readonly #clientOptions: () => CryptographyClientOptions;
  #closed = false;

  constructor(
    target: KeyVaultKeyTarget,
    vault: VaultAddress,
    private readonly options: ResolvedAdapterOptions,
  ) {
    this.vault = vault;
    this.keyName = target.keyName;
    this.scope = `${(vault.cloud ?? AZURE_CLOUDS.public).resource}/.default`;
    this.#secrets = target.credential.kind === 'client-secret' ? [target.credential.clientSecret] : [];
    this.#network = new VaultNetwork({
      urlPolicy: options.urlPolicy,
      vault,
      requestTimeoutMs: options.requestTimeoutMs,
      now: options.now,
      ...(options.extraCaPem === undefined ? {} : { extraCaPem: options.extraCaPem }),
      ...(options.vaultConnectTo === undefined ? {} : { connectTo: options.vaultConnectTo }),
    });
    try {
      this.#credential = createCredential(target.credential, {
        authorityHost: this.#authorityHost(),
        disableInstanceDiscovery: options.authorityHost !== undefined,
        additionalPolicies: this.#network.identityPolicies(),
      });
    } catch (error) {
      this.#network.close();
      throw toKeyVaultError(error, { operation: 'connect', secrets: this.#secrets });
    }
    this.#clientOptions = () =>
      vaultClientOptions(vault, options.urlPolicy.allowsInsecureLoopback, this.#network.vaultPolicies());
    this.#clientCredential = new RefreshTolerantCredential(this.#credential, options.now);
    this.#keyClient = new KeyClient(vault.url, this.#clientCredential, this.#clientOptions());
    this.#cryptoClients = new LRUCache({ max: options.maxKeyVersionsPerConnection });
  }

  /** A token for the vault's resource, as a separate step (validation reports it on its own). */
  async getToken(): Promise<AccessToken> {
    const token = await this.#run('get-token', (abortSignal) =>
      this.#credential.getToken(this.scope, { abortSignal }),
    );
    if (token === null) {
      throw new KeyVaultError('authentication-failed', 'get-token: Entra ID issued no token', {
        operation: 'get-token',
      });
    }
    return token;
  }

  /** The current version of the configured key, or the given version. */
  getKey(version?: string): Promise<KeyVaultKey> {
    return this.#run('get-key', (abortSignal) =>
      this.#keyClient.getKey(this.keyName, { abortSignal, ...(version === undefined ? {} : { version }) }),
    );
  }

  async wrapKey(keyId: TrustedKeyId, key: Uint8Array): Promise<Uint8Array> {
    const crypto = this.#cryptoClient(keyId);
    const result = await this.#run('wrap-key', (abortSignal) =>
      crypto.wrapKey('RSA-OAEP-256', key, { abortSignal }),
    );
    return result.result;
  }

  async unwrapKey(keyId: TrustedKeyId, wrapped: Uint8Array): Promise<Uint8Array> {
    const crypto = this.#cryptoClient(keyId);
    const result = await this.#run('unwrap-key', (abortSignal) =>
      crypto.unwrapKey('RSA-OAEP-256', wrapped, { abortSignal }),
    );
    return result.result;
  }

  /** Destroys the sockets and forgets the clients. Idempotent; calls after it are bugs. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cryptoClients.clear();
    this.#network.close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Remote-only (see `remoteOnlyKey`): one client per key version, cached. */
  #cryptoClient(keyId: TrustedKeyId): CryptographyClient {
    const cached = this.#cryptoClients.get(keyId.kid);
    if (cached !== undefined) return cached;
    const client = new CryptographyClient(
      remoteOnlyKey(keyId, this.vault),
      this.#clientCredential,
      this.#clientOptions(),
    );
    this.#cryptoClients.set(keyId.kid, client);
    return client;
  }

  async #run<T>(operation: KeyVaultOperation, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error(`KeyVaultConnection used after close (${operation})`);
    const startedAt = this.options.now();
    try {
      const result = await call(AbortSignal.timeout(this.options.operationTimeoutMs));
      this.#observe(operation, 'ok', startedAt);
      return result;
    } catch (error) {
      const failure = toKeyVaultError(error, this.#failureContext(operation, startedAt));
      this.#observe(operation, failure.problem, startedAt);
      throw failure;
    }
  }

  #observe(operation: KeyVaultOperation, outcome: 'ok' | KeyVaultProblem, startedAt: number): void {
    try {
      this.options.observer({ operation, outcome, durationMs: this.options.now() - startedAt });
    } catch {
      // Metrics must never cost a key operation.
    }
  }

  #failureContext(operation: KeyVaultOperation, startedAt: number): FailureContext {
    const identityResponse = this.#network.identityResponseSince(startedAt);
    return {
      operation,
      secrets: this.#secrets,
      errorBodies: this.#network.errorBodies,
      nowMs: this.options.now(),
      ...(identityResponse === undefined ? {} : { identityResponse }),
    };
  }

  #authorityHost(): string {
    if (this.options.authorityHost !== undefined) return this.options.authorityHost;
    // A loopback simulator has no cloud; without an explicit authority it would silently use the public one.
    if (this.vault.cloud === undefined) {
      throw new KeyVaultError('configuration-invalid', 'a loopback vault needs the authorityHost option', {
        operation: 'connect',
      });
    }
    return this.vault.cloud.authorityHost;
  }
}
