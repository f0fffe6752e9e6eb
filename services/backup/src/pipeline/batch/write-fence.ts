import { accountKey } from '../domain/account-snapshot';
import { type BackupStateStore } from '../store/backup-state.store';
import { type FenceAnswer, type LeaseClaim } from '../store/backup-state.types';

interface Waiting {
  readonly start: LeaseClaim;
  readonly resolve: (answer: FenceAnswer | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Takes the write fence (BackupStateStore.beginWrites) for each write at the moment it starts. The
 * writes that start in the same turn of the event loop share one round trip, so the fence costs a
 * query per burst, not per account.
 */
export class WriteFence {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: BackupStateStore,
    /** This process, as the fence records who started a write. */
    readonly owner: string,
    /** How long an account stays shut after one of its writes was abandoned without an answer. */
    private readonly settleMs: number,
    private readonly maxPerTrip = 500,
  ) {}

  /** The write of `start` was abandoned without an answer: CyberArk may still apply it, later than anything newer. */
  async settle(start: LeaseClaim): Promise<void> {
    await this.store.settleAbandonedWrite(start, this.owner, this.settleMs);
  }

  /** Resolves with the fence's answer; undefined when a newer version owns the account. */
  begin(start: LeaseClaim): Promise<FenceAnswer | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ start, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const trip of trips(waiting, this.maxPerTrip)) void this.send(trip);
  }

  private async send(trip: readonly Waiting[]): Promise<void> {
    try {
      const granted = await this.store.beginWrites(
        trip.map((entry) => entry.start),
        this.owner,
      );
      for (const { start, resolve } of trip)
        resolve(granted.get(accountKey(start.workspaceId, start.accountId)));
    } catch (error) {
      for (const { reject } of trip) reject(error);
    }
  }
}

/** Splits into round trips of at most `max`, never with one account twice in a trip (one statement cannot fence a row twice). */
function trips(waiting: readonly Waiting[], max: number): Waiting[][] {
  const result: { entries: Waiting[]; keys: Set<string> }[] = [];
  for (const entry of waiting) {
    const key = accountKey(entry.start.workspaceId, entry.start.accountId);
    let trip = result.find((candidate) => candidate.entries.length < max && !candidate.keys.has(key));
    if (!trip) {
      trip = { entries: [], keys: new Set() };
      result.push(trip);
    }
    trip.entries.push(entry);
    trip.keys.add(key);
  }
  return result.map((trip) => trip.entries);
}
