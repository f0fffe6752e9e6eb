import { RateLimitedError } from '../http/admin.errors';

/** How many checks (calls that reach CyberArk or Key Vault and write audit rows) a workspace may run. */
export interface CheckBudget {
  /** Sustained rate: tokens added to a workspace's bucket per minute. */
  readonly perMinute: number;
  /** Bucket size: checks a workspace may run back to back before the rate applies. */
  readonly burst: number;
  /** Checks of one workspace running at the same time. */
  readonly concurrency: number;
}

/**
 * The bucket as a generic cell rate algorithm keeps it: `freeAt` is when the bucket will be full
 * again (the "theoretical arrival time"); a check is allowed while `freeAt` is at most
 * (burst - 1) intervals ahead of now. One number per workspace, no floating token count.
 */
interface Bucket {
  freeAt: number;
  inFlight: number;
}

/** What a refusal for concurrency asks the caller to wait: a check usually takes about a second. */
export const BUSY_RETRY_AFTER_MS = 1_000;
/** Above this many tracked workspaces, idle full buckets are dropped (they hold no information). */
const SWEEP_ABOVE = 1_000;

/**
 * A token bucket and a concurrency cap per workspace, in this process's memory: every replica
 * enforces the budget on its own, so the service as a whole allows replicas × budget. A check that
 * is refused costs nothing (no outbound call, no audit row) and says when to retry.
 */
export class WorkspaceCheckLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly budget: CheckBudget,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `check` within the workspace's budget, or throws RateLimitedError without running it. */
  async run<T>(workspaceId: string, check: () => Promise<T>): Promise<T> {
    const release = this.acquire(workspaceId);
    try {
      return await check();
    } finally {
      release();
    }
  }

  /** Takes a token and a concurrency slot; the returned function gives the slot back (once). */
  acquire(workspaceId: string): () => void {
    const now = this.now();
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
    const bucket = this.buckets.get(workspaceId) ?? { freeAt: now, inFlight: 0 };
    if (bucket.inFlight >= this.budget.concurrency) {
      throw new RateLimitedError(
        `this workspace already has ${bucket.inFlight} check(s) running (at most ${this.budget.concurrency} at a time); retry when it has finished`,
        BUSY_RETRY_AFTER_MS,
      );
    }
    const freeAt = Math.max(bucket.freeAt, now);
    const waitMs = freeAt - (this.budget.burst - 1) * this.interval - now;
    if (waitMs > 0) {
      throw new RateLimitedError(
        `this workspace ran more than ${this.budget.burst} checks in a row or ${this.budget.perMinute} per minute; retry later`,
        Math.ceil(waitMs),
      );
    }
    bucket.freeAt = freeAt + this.interval;
    bucket.inFlight += 1;
    this.buckets.set(workspaceId, bucket);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bucket.inFlight -= 1;
    };
  }

  /** Milliseconds between two tokens. */
  private get interval(): number {
    return 60_000 / this.budget.perMinute;
  }

  private sweep(now: number): void {
    for (const [workspaceId, bucket] of this.buckets) {
      if (bucket.inFlight === 0 && bucket.freeAt <= now) this.buckets.delete(workspaceId);
    }
  }

  /** Workspaces currently tracked (tests: the map does not grow without bound). */
  get trackedWorkspaces(): number {
    return this.buckets.size;
  }
}
