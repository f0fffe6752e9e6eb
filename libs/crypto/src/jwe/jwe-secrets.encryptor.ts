import { KeyObject, type webcrypto } from 'node:crypto';
import { FlattenedEncrypt } from 'jose';
import { LRUCache } from 'lru-cache';
import {
  type AccountSecrets,
  type FlattenedJwe,
  InvalidEventError,
  parseAccountSecrets,
  validateFlattenedJwe,
} from '@vault-backup/event-contract';
import { ContentKeySession } from './content-key.session';

export interface SecretsEncryptionOptions {
  /** Versioned Key Vault key id the consumer will unwrap with. */
  readonly kid: string;
  /** The RSA public key of `kid` (at least 2048 bits); only the public half is ever needed to encrypt. */
  readonly publicKey: KeyObject | webcrypto.CryptoKey;
}

/**
 * Bounds of {@link JweSecretsEncryptor}. With random 96-bit IVs, n messages under one key collide with
 * probability about n²/2^97: 2^-64 for 100,000 (NIST SP 800-38D allows up to 2^32 messages, at 2^-33). Five
 * minutes keeps a content key's exposure short and lets the consumer's 10-minute unwrap cache (see
 * {@link CachingKeyUnwrapper}) cover a key's whole life: one Key Vault unwrap per content key per consumer.
 */
export const DEFAULT_MESSAGES_PER_CONTENT_KEY = 100_000;
export const MAX_MESSAGES_PER_CONTENT_KEY = 2 ** 24;
export const DEFAULT_CONTENT_KEY_TTL_MS = 5 * 60 * 1000;
export const DEFAULT_CONTENT_KEY_IDS = 10_000;

export interface JweSecretsEncryptorOptions {
  /** Messages sealed under one content key before a new one is made; default 100,000, at most 2^24. */
  readonly maxMessagesPerKey?: number;
  /** How long one content key is used, from its creation; default 5 minutes. */
  readonly keyTtlMs?: number;
  /** Key ids (workspaces) with a live content key; beyond this the least recently used key is wiped. */
  readonly maxKeyIds?: number;
  /** Monotonic clock in milliseconds above 0, for tests; default `performance.now()`. */
  readonly now?: () => number;
}

const MIN_RSA_BITS = 2048;
const SECRETS_FIELD = '/data/secrets';
const JWE_FIELD = '/data/encryptedSecrets';

/**
 * Encrypts account secrets into the contract's `encryptedSecrets` JWE like {@link encryptSecretsJwe}, but
 * reuses one content key per kid for a bounded number of messages and a bounded time: every JWE of that key
 * carries the same RSA-OAEP `encrypted_key`, so a consumer caching unwrapped keys makes one Key Vault call
 * for all of them instead of one per event (Key Vault allows 500 RSA-4096 operations per 10 s per vault).
 * Each message gets a fresh random IV. The output is plain RFC 7516: any JOSE library decrypts it.
 * Content keys are wiped when replaced, evicted or expired.
 */
export class JweSecretsEncryptor {
  private readonly sessions: LRUCache<string, ContentKeySession>;
  private readonly maxMessagesPerKey: number;

  constructor(options: JweSecretsEncryptorOptions = {}) {
    this.maxMessagesPerKey = boundedInteger(
      options.maxMessagesPerKey ?? DEFAULT_MESSAGES_PER_CONTENT_KEY,
      MAX_MESSAGES_PER_CONTENT_KEY,
      'maxMessagesPerKey',
    );
    this.sessions = new LRUCache<string, ContentKeySession>({
      max: boundedInteger(options.maxKeyIds ?? DEFAULT_CONTENT_KEY_IDS, Number.MAX_SAFE_INTEGER, 'maxKeyIds'),
      ttl: boundedInteger(options.keyTtlMs ?? DEFAULT_CONTENT_KEY_TTL_MS, 2 ** 31 - 1, 'keyTtlMs'),
      // An idle workspace's content key is wiped on time, not when the next event happens to come.
      ttlAutopurge: true,
      ttlResolution: 0,
      updateAgeOnGet: false,
      allowStale: false,
      perf: options.now ? { now: options.now } : undefined,
      dispose: (session) => session.wipe(),
    });
  }

  /**
   * Checks `secrets` against the contract (InvalidEventError naming the field, never quoting the value),
   * then seals them for `kid`; rejects with InvalidEventError when the kid breaks the contract.
   */
  encrypt(secrets: AccountSecrets, recipient: SecretsEncryptionOptions): Promise<FlattenedJwe> {
    return new Promise((resolve) => resolve(this.encryptNow(secrets, recipient)));
  }

  /** Wipes every content key (e.g. at shutdown); the next message for a kid makes a new one. */
  clear(): void {
    this.sessions.clear();
  }

  private encryptNow(secrets: AccountSecrets, recipient: SecretsEncryptionOptions): FlattenedJwe {
    const plaintext = secretsPlaintext(secrets);
    try {
      const checked = validateFlattenedJwe(this.sessionFor(recipient).seal(plaintext), JWE_FIELD);
      if (checked.ok) return checked.jwe;
      // Only the kid can break the contract here: keep no content key for it.
      this.sessions.delete(recipient.kid);
      throw new InvalidEventError(checked.field, checked.reason);
    } finally {
      plaintext.fill(0);
    }
  }

  private sessionFor({ kid, publicKey }: SecretsEncryptionOptions): ContentKeySession {
    const key = rsaPublicKey(publicKey);
    const current = this.sessions.get(kid);
    if (current && current.messages < this.maxMessagesPerKey && sameKey(current.publicKey, key))
      return current;
    const fresh = new ContentKeySession(kid, key);
    this.sessions.set(kid, fresh);
    return fresh;
  }
}

/**
 * Encrypts account secrets into the contract's `encryptedSecrets` JWE (flattened JSON, RSA-OAEP-256 +
 * A256GCM, `kid` in the protected header) with a fresh content key: one RSA unwrap per event for the
 * consumer, so emitters sending more than a few events should use {@link JweSecretsEncryptor}. Secrets and
 * kid are checked against the contract first, with the same InvalidEventError the consumer would report.
 */
export async function encryptSecretsJwe(
  secrets: AccountSecrets,
  options: SecretsEncryptionOptions,
): Promise<FlattenedJwe> {
  const plaintext = secretsPlaintext(secrets);
  try {
    const jwe = await new FlattenedEncrypt(plaintext)
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: options.kid })
      .encrypt(options.publicKey);
    const validated = validateFlattenedJwe(jwe, JWE_FIELD);
    if (!validated.ok) throw new InvalidEventError(validated.field, validated.reason);
    return validated.jwe;
  } finally {
    plaintext.fill(0);
  }
}

/** The canonical plaintext: UTF-8 JSON of the known members only, nulls dropped. */
function secretsPlaintext(secrets: AccountSecrets): Buffer {
  const checked = parseAccountSecrets(secrets, SECRETS_FIELD);
  if (!checked.ok) throw new InvalidEventError(checked.field, checked.reason);
  const canonical: AccountSecrets = {};
  if (typeof secrets.password === 'string') canonical.password = secrets.password;
  if (typeof secrets.totpSecret === 'string') canonical.totpSecret = secrets.totpSecret;
  if (Array.isArray(secrets.backupCodes)) canonical.backupCodes = [...secrets.backupCodes];
  return Buffer.from(JSON.stringify(canonical), 'utf8');
}

function rsaPublicKey(key: KeyObject | webcrypto.CryptoKey): KeyObject {
  const keyObject = key instanceof KeyObject ? key : KeyObject.from(key);
  const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  if (keyObject.type !== 'public' || keyObject.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS)
    throw new TypeError(`secrets are encrypted to an RSA public key of at least ${MIN_RSA_BITS} bits`);
  return keyObject;
}

function sameKey(held: KeyObject, given: KeyObject): boolean {
  return held === given || held.equals(given);
}

function boundedInteger(value: number, max: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new RangeError(`JweSecretsEncryptor ${name} must be an integer from 1 to ${max}`);
  return value;
}
