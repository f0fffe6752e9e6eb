import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type AppError, isAppError } from '@vault-backup/errors';
import { type KeyUnwrapper, type KeyWrapAlgorithm } from './key-unwrapper.port';

/**
 * Defaults sized for Azure Key Vault's 500 RSA-4096 operations per 10 s per vault (250 on HSM keys):
 * 10,000 content keys cover a few thousand workspaces with several emitting instances each (emitters
 * rotate a content key every few minutes, so the live set is instances × workspaces × 1–2) in well under
 * 10 MB. Ten minutes outlives an emitter's content key (5 minutes by default, {@link JweSecretsEncryptor})
 * so each content key costs one unwrap per consumer process, and bounds how long a key disabled or
 * un-authorised in Key Vault keeps decrypting here without {@link CachingKeyUnwrapper.forget}.
 */
export const DEFAULT_UNWRAP_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_UNWRAP_CACHE_TTL_MS = 10 * 60 * 1000;
/**
 * How long a permanent refusal (a wrapped key the vault can never unwrap: tampered, unknown version) is
 * answered from memory: anyone who can write to the topic could otherwise spend a vault's quota by
 * repeating one bogus record. Short, because a key version restored from soft-delete makes it valid again.
 */
export const DEFAULT_UNWRAP_REFUSAL_TTL_MS = 60 * 1000;

/** One request's outcome, or one cached key leaving the cache; for metrics. */
export type KeyUnwrapCacheEvent =
  | 'hit'
  | 'coalesced'
  | 'inner-call'
  | 'inner-failure'
  | 'refused-again'
  | 'evicted'
  | 'expired'
  | 'forgotten';

/** Monotonic counters since construction (Prometheus counters can read them at scrape time). */
export interface KeyUnwrapCacheStats {
  /** Requests served from the cache. */
  readonly hits: number;
  /** Requests not served from the cache: `coalesced + innerCalls`. */
  readonly misses: number;
  /** Misses that joined an unwrap already in flight for the same key (single flight). */
  readonly coalesced: number;
  /** Misses that called the inner unwrapper (each is one Key Vault operation). */
  readonly innerCalls: number;
  /** Inner calls that failed; only permanent refusals are remembered, for a short time. */
  readonly innerFailures: number;
  /** Requests answered with a remembered permanent refusal, without an inner call. */
  readonly refusedAgain: number;
  /** Keys dropped because the cache was full (least recently used first). */
  readonly evictions: number;
  /** Keys dropped because they reached their time to live. */
  readonly expirations: number;
  /** Keys dropped by {@link CachingKeyUnwrapper.forget} or {@link CachingKeyUnwrapper.clear}. */
  readonly forgotten: number;
  /** Keys held now. */
  readonly size: number;
}

export interface CachingKeyUnwrapperOptions {
  /** Content keys held at once; default {@link DEFAULT_UNWRAP_CACHE_MAX_ENTRIES}. */
  readonly maxEntries?: number;
  /** How long a key is reused after it was unwrapped (not refreshed by use); default 10 minutes. */
  readonly ttlMs?: number;
  /** How long a permanent refusal is remembered; default {@link DEFAULT_UNWRAP_REFUSAL_TTL_MS}. */
  readonly refusalTtlMs?: number;
  /**
   * Monotonic clock in milliseconds, for tests; default `performance.now()`. It must return values above
   * 0: lru-cache reads a start time of 0 as "no time to live".
   */
  readonly now?: () => number;
  /** Called synchronously for every {@link KeyUnwrapCacheEvent}; what it throws is ignored. */
  readonly onEvent?: (event: KeyUnwrapCacheEvent) => void;
}

interface CachedKey {
  readonly kid: string;
  readonly key: Uint8Array;
}

interface Refusal {
  readonly kid: string;
  readonly error: AppError;
}

/** One inner unwrap and the requests waiting for it. */
class Flight {
  /** Requests still to copy the result; the last one wipes the shared copy. */
  waiters = 0;
  /** Cleared by forget() and clear(): a key unwrapped for a revoked kid must not enter the cache. */
  cacheable = true;
  readonly promise: Promise<Uint8Array>;

  constructor(
    readonly kid: string,
    start: (flight: Flight) => Promise<Uint8Array>,
  ) {
    this.promise = start(this);
  }
}

type Counters = { -readonly [K in keyof Omit<KeyUnwrapCacheStats, 'size' | 'misses'>]: number };

/**
 * A {@link KeyUnwrapper} decorator that unwraps each wrapped content key once and reuses it, so that
 * events sharing a content key cost one Key Vault operation instead of one each. Entries are keyed by
 * algorithm, kid and the SHA-256 of the wrapped key (never by key material), bounded in count and in time,
 * and wiped when they leave. Concurrent requests for one key share a single inner call; transient failures
 * (e.g. a throttled vault, revoked access) are not cached, so the next request tries again, while a
 * permanent refusal is answered again from memory for a short time. Every caller gets its own copy, which
 * it may wipe.
 */
export class CachingKeyUnwrapper implements KeyUnwrapper {
  private readonly cache: LRUCache<string, CachedKey>;
  private readonly refusals: LRUCache<string, Refusal>;
  private readonly inFlight = new Map<string, Flight>();
  private readonly counters: Counters = {
    hits: 0,
    coalesced: 0,
    innerCalls: 0,
    innerFailures: 0,
    refusedAgain: 0,
    evictions: 0,
    expirations: 0,
    forgotten: 0,
  };
  private readonly onEvent: (event: KeyUnwrapCacheEvent) => void;

  constructor(
    private readonly inner: KeyUnwrapper,
    options: CachingKeyUnwrapperOptions = {},
  ) {
    const max = positiveInteger(options.maxEntries ?? DEFAULT_UNWRAP_CACHE_MAX_ENTRIES, 'maxEntries');
    const ttl = positiveInteger(options.ttlMs ?? DEFAULT_UNWRAP_CACHE_TTL_MS, 'ttlMs');
    this.onEvent = options.onEvent ?? (() => undefined);
    this.cache = new LRUCache<string, CachedKey>({
      max,
      ttl,
      // Expired keys are wiped on time even when no event asks for them again.
      ttlAutopurge: true,
      // Read the clock on every check rather than caching it for a millisecond behind a timer.
      ttlResolution: 0,
      updateAgeOnGet: false,
      allowStale: false,
      perf: options.now ? { now: options.now } : undefined,
      dispose: (entry, _id, reason) => this.disposed(entry, reason),
    });
    this.refusals = new LRUCache<string, Refusal>({
      max,
      ttl: positiveInteger(options.refusalTtlMs ?? DEFAULT_UNWRAP_REFUSAL_TTL_MS, 'refusalTtlMs'),
      ttlResolution: 0,
      updateAgeOnGet: false,
      allowStale: false,
      perf: options.now ? { now: options.now } : undefined,
    });
  }

  unwrapKey(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Promise<Uint8Array> {
    const id = cacheId(kid, algorithm, wrappedKey);
    const cached = this.cache.get(id);
    if (cached) {
      this.record('hit');
      return Promise.resolve(Uint8Array.from(cached.key));
    }
    const refusal = this.refusals.get(id);
    if (refusal) {
      this.record('refused-again');
      return Promise.reject(refusal.error);
    }
    const pending = this.inFlight.get(id);
    if (pending) {
      this.record('coalesced');
      return this.join(pending);
    }
    this.record('inner-call');
    return this.join(this.startFlight(id, kid, algorithm, wrappedKey));
  }

  /**
   * Drops the cached keys of a key id, or of every key id under a prefix on a `/` boundary (a versionless
   * key id `https://<vault>/keys/<name>`, or a vault `https://<vault>`), e.g. when a workspace's key
   * integration is removed or revoked. Unwraps in flight for those key ids are not cached when they end.
   * Returns the number of keys dropped.
   */
  forget(kidOrPrefix: string): number {
    const prefix = kidOrPrefix.replace(/\/+$/, '');
    if (prefix === '') throw new TypeError('forget needs a key id or a key id prefix; use clear()');
    const matches = (kid: string): boolean => kid === prefix || kid.startsWith(`${prefix}/`);
    for (const flight of this.inFlight.values()) if (matches(flight.kid)) flight.cacheable = false;
    const ids = [...this.cache.entries()].filter(([, entry]) => matches(entry.kid)).map(([id]) => id);
    for (const id of ids) this.cache.delete(id);
    for (const [id, refusal] of [...this.refusals.entries()])
      if (matches(refusal.kid)) this.refusals.delete(id);
    return ids.length;
  }

  /** Wipes and drops every cached key (e.g. at shutdown); unwraps in flight are not cached. */
  clear(): void {
    for (const flight of this.inFlight.values()) flight.cacheable = false;
    this.cache.clear();
    this.refusals.clear();
  }

  stats(): KeyUnwrapCacheStats {
    const { coalesced, innerCalls } = this.counters;
    return { ...this.counters, misses: coalesced + innerCalls, size: this.cache.size };
  }

  private startFlight(id: string, kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): Flight {
    const flight = new Flight(kid, (self) => this.fly(id, self, algorithm, wrappedKey));
    this.inFlight.set(id, flight);
    return flight;
  }

  private async fly(
    id: string,
    flight: Flight,
    algorithm: KeyWrapAlgorithm,
    wrappedKey: Uint8Array,
  ): Promise<Uint8Array> {
    try {
      // Called from a microtask, so the flight is registered before it can settle, even if the inner
      // unwrapper throws synchronously; it is removed before it settles, so nobody joins a settled flight.
      const key = await Promise.resolve().then(() => this.inner.unwrapKey(flight.kid, algorithm, wrappedKey));
      return this.keep(id, flight, key);
    } catch (error) {
      this.record('inner-failure');
      // Only a typed refusal is remembered: an untyped error is a bug, not the vault's answer.
      if (isAppError(error) && !error.retriable && flight.cacheable)
        this.refusals.set(id, { kid: flight.kid, error });
      throw error;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** The cache owns the unwrapped key; the flight's waiters share a copy of it. */
  private keep(id: string, flight: Flight, key: Uint8Array): Uint8Array {
    const shared = Uint8Array.from(key);
    if (flight.cacheable) this.cache.set(id, { kid: flight.kid, key });
    else key.fill(0);
    return shared;
  }

  private async join(flight: Flight): Promise<Uint8Array> {
    flight.waiters += 1;
    let shared: Uint8Array | undefined;
    try {
      shared = await flight.promise;
      return Uint8Array.from(shared);
    } finally {
      flight.waiters -= 1;
      if (flight.waiters === 0) shared?.fill(0);
    }
  }

  private disposed(entry: CachedKey, reason: LRUCache.DisposeReason): void {
    entry.key.fill(0);
    const event = DISPOSAL_EVENTS[reason];
    if (event) this.record(event);
  }

  private record(event: KeyUnwrapCacheEvent): void {
    this.counters[EVENT_COUNTERS[event]] += 1;
    try {
      this.onEvent(event);
    } catch {
      // A broken metrics callback must cost neither a decryption nor lru-cache's bookkeeping (it runs
      // inside dispose); the counters in stats() stay right.
    }
  }
}

const EVENT_COUNTERS: Readonly<Record<KeyUnwrapCacheEvent, keyof Counters>> = {
  hit: 'hits',
  coalesced: 'coalesced',
  'inner-call': 'innerCalls',
  'inner-failure': 'innerFailures',
  'refused-again': 'refusedAgain',
  evicted: 'evictions',
  expired: 'expirations',
  forgotten: 'forgotten',
};

// Entries are never replaced in place (single flight) nor fetched through lru-cache, so `set` and
// `fetch` disposals do not happen; they would still wipe the key.
const DISPOSAL_EVENTS: Readonly<Partial<Record<LRUCache.DisposeReason, KeyUnwrapCacheEvent>>> = {
  evict: 'evicted',
  expire: 'expired',
  delete: 'forgotten',
};

/** The wrapped key is ciphertext, so its digest is a safe name; the kid keeps keys of different vaults apart. */
function cacheId(kid: string, algorithm: KeyWrapAlgorithm, wrappedKey: Uint8Array): string {
  const digest = createHash('sha256').update(wrappedKey).digest('base64url');
  return `${algorithm} ${digest} ${kid}`;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`CachingKeyUnwrapper ${name} must be a positive integer`);
  return value;
}
