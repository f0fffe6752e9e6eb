/**
 * The rate limit of replay jobs: a token bucket per job, refilled at the job's rate and holding at
 * most one second's worth, so over any span of T seconds a job handles at most rate × (T + 1)
 * records. In memory: a job is run by one replica at a time (its lease); a replica that takes a job
 * over starts with a full bucket, which at worst doubles one second's rate.
 */
export class RateBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Takes up to `max` whole tokens for `key`; 0 when the bucket holds less than one. */
  take(key: string, ratePerSecond: number, max: number): number {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: ratePerSecond, at: now };
    const tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) / 1_000) * ratePerSecond);
    const taken = Math.max(0, Math.min(max, Math.floor(tokens)));
    this.buckets.set(key, { tokens: tokens - taken, at: now });
    return taken;
  }

  /** Returns tokens taken but not spent (the batch found fewer records to handle). */
  giveBack(key: string, tokens: number): void {
    const bucket = this.buckets.get(key);
    if (bucket !== undefined && tokens > 0) bucket.tokens += tokens;
  }

  /** Milliseconds until `key` has one whole token again. */
  waitMs(key: string, ratePerSecond: number): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined || bucket.tokens >= 1) return 0;
    const elapsed = this.nowMs() - bucket.at;
    return Math.max(0, Math.ceil(((1 - bucket.tokens) / ratePerSecond) * 1_000 - elapsed));
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
