import { type KeyRing } from '../key-ring/key-ring';

export interface EnvelopeDataCipherOptions {
  /** The ring LocalDataCipher tokens were written with before envelope encryption: they still decrypt. */
  readonly legacyRing?: KeyRing;
  /**
   * How long an unwrapped data key stays cached for decryption, and how often the current data key of
   * a workspace checks that the workspace's key is unchanged. Bounds how long a revoked workspace key
   * keeps working in this process, and how long another process's change of a key integration takes
   * to reach this one. Default 5 minutes.
   */
  readonly cacheTtlMs?: number;
  /** Most data keys held for decryption (least recently used leave first), and most scopes held for encryption. */
  readonly cacheMaxKeys?: number;
  /** A scope's data key encrypts in this process for at most this long. Default 1 hour. */
  readonly maxKeyAgeMs?: number;
  /** …and for at most this many tokens (AES-GCM with random nonces stays far below 2^32 per key). */
  readonly maxKeyUses?: number;
  /** Milliseconds clock for key ages and cache TTLs (tests inject one). */
  readonly now?: () => number;
}

export const ENVELOPE_DEFAULTS = {
  cacheTtlMs: 5 * 60_000,
  cacheMaxKeys: 10_000,
  maxKeyAgeMs: 60 * 60_000,
  maxKeyUses: 1_000_000,
  now: (): number => performance.now(),
} as const;
