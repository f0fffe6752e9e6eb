/** Nest injection token for the {@link DataCipher} in use. */
export const DATA_CIPHER = Symbol('DataCipher');

/**
 * Authenticated encryption for data we store or forward (encrypted client secrets in PostgreSQL, parked
 * events, dead-letter values). Tokens are self-describing compact JWEs: the protected header names the key
 * (`kid`) and the algorithm, so implementations can coexist and rotate — today {@link LocalDataCipher}
 * (AES-256-GCM, `alg: dir`, key ring from configuration); later Azure Key Vault envelope encryption
 * (a data key wrapped by the customer's RSA key) behind the same two methods.
 *
 * `context` names what the data is (e.g. `pending-backup`, `dlq-value`). It is bound into the token and
 * must match on decrypt, so a ciphertext cannot be replayed into another column or purpose.
 */
export interface DataCipher {
  encrypt(plaintext: Uint8Array | string, context: string): Promise<string>;
  /** Rejects with DataDecryptionError (permanent) for a token that is malformed, tampered, of another context or of an unknown key. */
  decrypt(token: string, context: string): Promise<Uint8Array>;
}
