import { type KeyUnwrapper, type KeyWrapAlgorithm } from '@vault-backup/crypto';
import { type KeyDescription } from './key/key-description';
import { type KeyValidationReport } from './validation/key-validation.types';

/** A data key wrapped remotely, with the exact key version that wrapped it. */
export interface KeyVaultWrappedKey {
  /** Versioned: `https://<vault>/keys/<name>/<version>`. */
  readonly kid: string;
  readonly wrapped: Uint8Array;
}

/**
 * What the service needs from one Key Vault key (a workspace's own key, or the service's). Every
 * method throws only `KeyVaultError` for anything Key Vault, Entra ID or the network can cause;
 * `retriable` and `errorClass` on it say what to do. Anything else thrown is a bug.
 */
export interface KeyVaultKeyPort extends KeyUnwrapper {
  /** `https://<vault>/keys/<name>`: every kid this port accepts starts with it plus `/`. */
  readonly keyIdPrefix: string;
  /**
   * Unwraps with exactly the key version `kid` names, remotely (the private key never leaves the
   * vault). Refused without a request when the kid is not a versioned id of the configured vault and
   * key (`kid-not-trusted`) or the algorithm is not RSA-OAEP-256. Works outside the key's nbf/exp.
   */
  unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array>;
  /** Wraps remotely with the key's current version (RSA-OAEP-256). */
  wrapKey(key: Uint8Array): Promise<KeyVaultWrappedKey>;
  /** The key's current version. */
  describeKey(): Promise<KeyDescription>;
  /** Every check of the key, each on its own; never throws for a customer problem. */
  validate(): Promise<KeyValidationReport>;
}
