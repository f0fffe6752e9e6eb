/** A wrapped key and the exact, versioned id of the key that wrapped it: what `unwrap` needs later. */
export interface WrappedKey {
  readonly kid: string;
  readonly wrapped: Uint8Array;
}

/**
 * Wraps short symmetric keys (data-key shares of 32 or 64 bytes) under a key-encryption key: the
 * service key (a local key ring, or Azure Key Vault) or a workspace's own key (RSA-OAEP-256 with its
 * public key; unwrapping is a Key Vault call).
 *
 * `wrap` answers with the kid it actually used, read atomically with the wrapping: an implementation
 * whose current key version can change while it runs must never let a share be recorded under a kid
 * that did not wrap it (that share would be lost).
 *
 * Implementations throw their own typed errors, which callers pass on unchanged: a permanent AppError
 * when this key can never unwrap this value (unknown kid, failed integrity check), a retriable one
 * (`retriable: true`, with an `errorClass`) when the key cannot be used right now — Key Vault down or
 * throttling, or access revoked by the workspace (it may grant it again).
 */
export interface KeyWrapper {
  /** The versioned id of the key `wrap` uses now; shares wrapped under any other kid are due for re-wrapping. */
  readonly kid: string;
  wrap(key: Uint8Array): Promise<WrappedKey>;
  /** Unwraps a share wrapped under `kid` (the current key or an older one this wrapper still holds). */
  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array>;
}
