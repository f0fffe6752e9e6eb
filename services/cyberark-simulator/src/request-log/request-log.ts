import { type EndpointFamily, type FaultType } from '../faults/fault.types';

/** One served request. Deliberately has no body, header, query or token field: nothing secret can land here. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  tenant: string | null;
  family: EndpointFamily | 'control' | 'unknown';
  /** 0 when the simulator never answered (a `timeout` fault, or the client left first). */
  status: number;
  durationMs: number;
  faults?: FaultType[];
}

export type NewRequestLogEntry = Omit<RequestLogEntry, 'seq' | 'time'>;

export interface RequestLogPage {
  entries: RequestLogEntry[];
  /** Pass back as `since` to read only newer entries. */
  cursor: number;
}

/** A bounded, append-only log read with a `since` cursor (the last `seq` already seen). */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 100_000) {}

  append(entry: NewRequestLogEntry): void {
    this.entries.push({ seq: this.nextSeq++, time: new Date().toISOString(), ...entry });
    // Trimming in blocks keeps appends O(1) amortised.
    if (this.entries.length > this.capacity * 1.1) this.entries = this.entries.slice(-this.capacity);
  }

  read(since = 0, tenant?: string, limit = 10_000): RequestLogPage {
    const first = this.entries[0];
    const start = first ? Math.max(0, since - first.seq + 1) : 0;
    const wantedTenant = tenant?.toLowerCase();
    const entries: RequestLogEntry[] = [];
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
