import { randomBytes } from 'node:crypto';
import { type KeyWrapAlgorithm } from '@vault-backup/crypto';
import { type KeyVaultKey } from '@azure/keyvault-keys';
import { type KeyVaultProblem } from '../errors/key-vault-problems';
import { KeyVaultError } from '../key-vault.errors';
import { type KeyVaultKeyPort, type KeyVaultWrappedKey } from '../key-vault-key.port';
import { type TrustedKeyId, keyIdPrefix, parseTrustedKeyId } from '../key-id/key-id';
import { validateKey } from '../validation/key-validation';
import { type KeyValidationReport } from '../validation/key-validation.types';
import { type VaultAddress } from '../vault-url/key-vault-url.policy';
import { type KeyDescription, describeVaultKey, isRsaType } from './key-description';

type KeyOperationName = 'wrapKey' | 'unwrapKey';

/** The SDK calls the adapter makes (implemented by `KeyVaultConnection`); each throws only `KeyVaultError`. */
export interface KeyVaultCalls {
  readonly vault: VaultAddress;
  readonly keyName: string;
  getToken(): Promise<unknown>;
  /** The current version of the configured key, or the given version. */
  getKey(version?: string): Promise<KeyVaultKey>;
  wrapKey(keyId: TrustedKeyId, key: Uint8Array): Promise<Uint8Array>;
  unwrapKey(keyId: TrustedKeyId, wrapped: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

/** Problems Key Vault may report in general terms for something the key's attributes explain better. */
const REFINABLE: ReadonlySet<KeyVaultProblem> = new Set(['unwrap-refused', 'forbidden', 'invalid-request']);

/** `KeyVaultKeyPort` on the Azure SDK, for one key of one vault. */
export class KeyVaultKeyAdapter implements KeyVaultKeyPort {
  readonly keyIdPrefix: string;

  constructor(
    private readonly connection: KeyVaultCalls,
    private readonly now: () => number = Date.now,
  ) {
    this.keyIdPrefix = keyIdPrefix(connection.vault, connection.keyName);
  }

  async unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array> {
    if (algorithm !== 'RSA-OAEP-256') {
      throw new KeyVaultError('algorithm-not-supported', 'only RSA-OAEP-256 wrapped keys are unwrapped', {
        operation: 'unwrap-key',
      });
    }
    const keyId = parseTrustedKeyId(kid, this.connection.vault, this.connection.keyName);
    try {
      return await this.connection.unwrapKey(keyId, wrappedKey);
    } catch (error) {
      throw await this.#refine(error, keyId, 'unwrapKey');
    }
  }

  async wrapKey(key: Uint8Array): Promise<KeyVaultWrappedKey> {
    const current = await this.describeKey();
    if (!isRsaType(current.kty)) {
      throw new KeyVaultError('key-not-rsa', `wrap-key: the key is ${current.kty}, not RSA`, {
        operation: 'wrap-key',
      });
    }
    const keyId = parseTrustedKeyId(current.kid, this.connection.vault, this.connection.keyName);
    try {
      return { kid: keyId.kid, wrapped: await this.connection.wrapKey(keyId, key) };
    } catch (error) {
      throw await this.#refine(error, keyId, 'wrapKey');
    }
  }

  async describeKey(): Promise<KeyDescription> {
    return describeVaultKey(await this.connection.getKey());
  }

  validate(): Promise<KeyValidationReport> {
    return validateKey(
      {
        vaultUrl: this.connection.vault.url,
        getToken: () => this.connection.getToken(),
        describeKey: () => this.describeKey(),
        wrapWith: (kid, key) => this.connection.wrapKey(this.#trusted(kid), key),
        unwrapWith: (kid, wrapped) => this.connection.unwrapKey(this.#trusted(kid), wrapped),
      },
      { now: this.now, randomBytes: (size) => randomBytes(size) },
    );
  }

  close(): void {
    this.connection.close();
  }

  #trusted(kid: string): TrustedKeyId {
    return parseTrustedKeyId(kid, this.connection.vault, this.connection.keyName);
  }

  /**
   * Key Vault answers some refusals only in general terms (a bare 400 or 403, or "operation not
   * permitted" for an EC key). Then read the key version and name what its attributes explain:
   * disabled, not RSA, operation not permitted. If reading fails too, the first answer stands.
   */
  async #refine(error: unknown, keyId: TrustedKeyId, operation: KeyOperationName): Promise<unknown> {
    if (!(error instanceof KeyVaultError) || !isRefinable(error)) return error;
    let key: KeyDescription;
    try {
      key = describeVaultKey(await this.connection.getKey(keyId.version));
    } catch {
      return error;
    }
    const refined = explain(key, operation);
    if (refined === undefined || refined.problem === error.problem) return error;
    const answered = error.message.replace(/^[a-z-]+: /, '');
    const label = operation === 'wrapKey' ? 'wrap-key' : 'unwrap-key';
    return new KeyVaultError(
      refined.problem,
      `${label}: the key version ${refined.reason} (Key Vault answered: ${answered})`,
      { operation: label, status: error.status, vaultCode: error.vaultCode, evidence: error.evidence },
      { cause: error },
    );
  }
}

/**
 * A guess from the status alone, or "operation not permitted", which for an EC key has a more
 * fundamental reason: it is not an RSA key at all.
 */
function isRefinable(error: KeyVaultError): boolean {
  return (
    (error.evidence === 'status' && REFINABLE.has(error.problem)) ||
    error.problem === 'operation-not-permitted'
  );
}

function explain(
  key: KeyDescription,
  operation: KeyOperationName,
): { problem: KeyVaultProblem; reason: string } | undefined {
  if (!key.enabled) return { problem: 'key-disabled', reason: 'is disabled' };
  if (!isRsaType(key.kty)) return { problem: 'key-not-rsa', reason: `is ${key.kty}, not RSA` };
  if (!key.keyOps.includes(operation)) {
    return { problem: 'operation-not-permitted', reason: `does not permit ${operation}` };
  }
  return undefined;
}
