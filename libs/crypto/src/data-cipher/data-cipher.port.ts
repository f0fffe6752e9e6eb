/** Nest injection token for the {@link DataCipher} in use. */
export const DATA_CIPHER = Symbol('DataCipher');

/**
 * Authenticated encryption for data we store or forward (encrypted client secrets in PostgreSQL, parked
 * events, dead-letter values). Tokens are self-describing compact JWEs: the protected header names the key
 * (`kid`) and the algorithm, so implementations can coexist and rotate — {@link LocalDataCipher}
 * (AES-256-GCM, `alg: dir`, key ring from configuration) and {@link EnvelopeDataCipher} (the same token
 * format under per-scope data keys wrapped by the service key and the workspace's own key).
 *
 * `context` names what the data is (e.g. `pending-backup`, `dlq-value`). It is bound into the token and
 * must match on decrypt, so a ciphertext cannot be replayed into another column or purpose.
 *
 * `scope` is the workspace the data belongs to; absent = the service's own scope (data no workspace
 * owns). Implementations that separate scopes encrypt under that workspace's keys (so revoking its key
 * makes the data unreadable) and refuse, on decrypt, a token of another scope than the one given —
 * absent included: a workspace's token does not open as service data. Implementations without scopes
 * ignore it.
 */
export interface DataCipher {
  encrypt(plaintext: Uint8Array | string, context: string, scope?: string): Promise<string>;
  /**
   * Rejects with DataDecryptionError (permanent) for a token that is malformed, tampered, of another
   * context or scope, or of an unknown key; with the key service's own error, unchanged, when a key
   * cannot be unwrapped right now (`retriable` says whether trying again may help, e.g. a revoked key).
   */
  decrypt(token: string, context: string, scope?: string): Promise<Uint8Array>;
}
