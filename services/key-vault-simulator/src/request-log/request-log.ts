import { type FaultType } from '../faults/fault.types';
import { type VaultEntrance } from '../vault/vault-entrance';

/**
 * One served request. Deliberately has no body, header, query, token or key value field: nothing
 * secret can land here. `clientId` comes from the token (vaults) or the form (token endpoint).
 */
export interface RequestLogEntry {
  seq: number;
  time: string;
  listener: 'entra' | 'vault';
  vault: string | null;
  /** Vault requests only: through the front door (by host name) or the vault's own loopback listener. */
  via?: VaultEntrance;
  operation: string;
  method: string;
  path: string;
  /** 0 when the simulator never answered (a `hang` or `reset` fault, or the client left first). */
  status: number;
  clientId: string | null;
  fault?: FaultType;
  durationMs: number;
}

export type NewRequestLogEntry = Omit<RequestLogEntry, 'seq' | 'time'>;

export interface RequestLogPage {
  entries: RequestLogEntry[];
  /** Pass back as `since` to read only newer entries. */
  cursor: number;
}

/** Every request to Entra ID and the vaults (not the control API), oldest first, bounded. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(
    private readonly nowMs: () => number,
    private readonly capacity = 50_000,
  ) {}

  append(entry: NewRequestLogEntry): void {
    this.entries.push({ seq: this.nextSeq++, time: new Date(this.nowMs()).toISOString(), ...entry });
    if (this.entries.length > this.capacity * 1.1) this.entries = this.entries.slice(-this.capacity);
  }

  /** Entries after `since` (of one vault, or `entra`), at most `limit`. */
  read(options: { since?: number; target?: string; limit?: number } = {}): RequestLogPage {
    const since = options.since ?? 0;
    const limit = options.limit ?? 10_000;
    const target = options.target?.toLowerCase();
    const entries: RequestLogEntry[] = [];
    let cursor = since;
    for (const entry of this.entries) {
      if (entry.seq <= since) continue;
      if (entries.length >= limit) break;
      cursor = entry.seq;
      if (target === undefined || (entry.vault ?? 'entra').toLowerCase() === target) entries.push(entry);
    }
    return { entries, cursor };
  }

  /** Sequence numbers keep growing across clears, so an old cursor never matches a reused number. */
  clear(): void {
    this.entries = [];
  }
}
