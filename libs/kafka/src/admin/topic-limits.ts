/** Where a topic's record size limit comes from (in practice {@link KafkaAdmin}). */
export interface TopicLimitSource {
  maxMessageBytes(topic: string): Promise<number>;
}

/**
 * The largest record batch a topic accepts (its effective `max.message.bytes`), read from the
 * broker and cached. Callers that see MESSAGE_TOO_LARGE call `invalidate`: the limit was lowered.
 */
export interface TopicLimitReader {
  /** Rejects (typed, from the source) when the broker cannot be asked; nothing is cached then. */
  maxMessageBytes(topic: string): Promise<number>;
  invalidate(topic: string): void;
}

export const DEFAULT_TOPIC_LIMIT_TTL_MS = 5 * 60_000;

interface CachedLimit {
  readonly bytes: Promise<number>;
  readonly readAt: number;
}

/** Caches each topic's limit for `ttlMs`; concurrent readers of an unknown topic share one request. */
export class CachedTopicLimitReader implements TopicLimitReader {
  private readonly cache = new Map<string, CachedLimit>();

  constructor(
    private readonly source: TopicLimitSource,
    private readonly ttlMs = DEFAULT_TOPIC_LIMIT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  maxMessageBytes(topic: string): Promise<number> {
    const cached = this.cache.get(topic);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.bytes;
    const entry: CachedLimit = { bytes: this.source.maxMessageBytes(topic), readAt: this.now() };
    this.cache.set(topic, entry);
    entry.bytes.catch(() => {
      if (this.cache.get(topic) === entry) this.cache.delete(topic);
    });
    return entry.bytes;
  }

  invalidate(topic: string): void {
    this.cache.delete(topic);
  }
}
