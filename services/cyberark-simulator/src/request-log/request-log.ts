import { type EndpointFamily, type FaultType } from '../faults/fault.types';
import { type LogPage, SequencedLog } from '../sequenced-log/sequenced-log';

/** One served request. Deliberately has no body, header, query or token field: nothing secret can land here. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  tenant: string | null;
  family: EndpointFamily | 'control' | 'unknown';
  /** 0 when the simulator never answered (a `timeout` or `connection-reset` fault, or the client left first). */
  status: number;
  durationMs: number;
  faults?: FaultType[];
}

export type NewRequestLogEntry = Omit<RequestLogEntry, 'seq' | 'time'>;

export type RequestLogPage = LogPage<RequestLogEntry>;

/** Every request outside the control API, newest last, bounded to `capacity` entries. */
export class RequestLog {
  private readonly log: SequencedLog<RequestLogEntry>;

  constructor(capacity = 100_000) {
    this.log = new SequencedLog(capacity);
  }

  append(entry: NewRequestLogEntry): void {
    this.log.append((seq) => ({ seq, time: new Date().toISOString(), ...entry }));
  }

  read(since?: number, tenant?: string, limit?: number): RequestLogPage {
    return this.log.read(since, tenant, limit);
  }

  clear(): void {
    this.log.clear();
  }
}
