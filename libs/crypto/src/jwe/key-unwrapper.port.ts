/** Nest injection token for the {@link KeyUnwrapper} in use. */
export const KEY_UNWRAPPER = Symbol('KeyUnwrapper');

export type KeyWrapAlgorithm = 'RSA-OAEP-256';

/**
 * Recovers a content-encryption key wrapped with an RSA key the caller never holds (Azure Key Vault
 * `unwrapKey`: the private key does not leave the vault). Implementations throw their own typed errors:
 * `SecretDecryptionError` when this key cannot unwrap this value (permanent), a retriable AppError such
 * as `DependencyUnavailableError` when the vault is unreachable or throttling.
 */
export interface KeyUnwrapper {
  unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array>;
}
