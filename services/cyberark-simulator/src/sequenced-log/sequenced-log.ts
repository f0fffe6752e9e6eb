/** An entry of a sequenced log: numbered on append, owned by a tenant (or none). */
export interface SequencedEntry {
  seq: number;
  tenant: string | null;
}

export interface LogPage<E> {
  entries: E[];
  /** Pass back as `since` to read only newer entries. */
  cursor: number;
}

/**
 * A bounded, append-only log read with a `since` cursor (the last `seq` already seen). Sequence
 * numbers keep growing across `clear()`, so a reader's cursor never matches a reused number.
 */
export class SequencedLog<E extends SequencedEntry> {
  private entries: E[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity: number) {}

  /** `create` builds the entry around the sequence number it is given. */
  append(create: (seq: number) => E): void {
    this.entries.push(create(this.nextSeq++));
    // Trimming in blocks keeps appends O(1) amortised.
    if (this.entries.length > this.capacity * 1.1) this.entries = this.entries.slice(-this.capacity);
  }

  /** Up to `limit` entries after `since`; a page shorter than `limit` means the log is exhausted. */
  read(since = 0, tenant?: string, limit = 10_000): LogPage<E> {
    const first = this.entries[0];
    // Sequence numbers are contiguous, so the first unseen entry is found without a search.
    const start = first ? Math.max(0, since - first.seq + 1) : 0;
    const wantedTenant = tenant?.toLowerCase();
    const entries: E[] = [];
    let cursor = since;
    for (let index = start; index < this.entries.length && entries.length < limit; index++) {
      const entry = this.entries[index];
      cursor = entry.seq;
      if (wantedTenant === undefined || entry.tenant === wantedTenant) entries.push(entry);
    }
    return { entries, cursor: Math.max(cursor, since) };
  }

  clear(): void {
    this.entries = [];
  }
}
