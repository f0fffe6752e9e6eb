import { type WriteLogEntry } from '../cyberark-simulator/simulator-control.types';
import { backupAccountName, type EventRef, type HistoryExpectations } from './history.types';

export interface SentEventTiming {
  readonly ref: EventRef;
  /** Epoch ms at which the event was handed to the producer. */
  readonly sentAtMs: number;
}

export interface EventLatency extends SentEventTiming {
  /** From sending until the safe first held this version or a newer one (properties and secret); undefined if never. */
  readonly latencyMs?: number;
}

/**
 * Event → safe latency of each sent event, from the simulator's write log: the first moment the
 * backup's properties and secret were both at this version or newer (a version coalesced into a
 * newer one counts as backed up when the newer one is). An event sent after a newer version was
 * already in the safe has latency 0.
 */
export function eventToSafeLatencies(
  writes: readonly WriteLogEntry[],
  sent: readonly SentEventTiming[],
  expectations: Pick<HistoryExpectations, 'versionOfProperties' | 'versionOfSecretDigest'>,
): EventLatency[] {
  const timelines = new Map<string, { timeMs: number; properties: number; secret: number }[]>();
  const current = new Map<string, { properties: number; secret: number }>();
  for (const entry of [...writes].sort((a, b) => a.seq - b.seq)) {
    if (entry.operation === 'delete') continue;
    const accountId = entry.accountName.split('.').at(-1) ?? '';
    const state = current.get(entry.accountName) ?? { properties: 0, secret: 0 };
    if (entry.operation !== 'password-update')
      state.properties = expectations.versionOfProperties(entry.properties) ?? 0;
    if (entry.operation !== 'patch')
      state.secret =
        entry.secretDigest === null
          ? 0
          : (expectations.versionOfSecretDigest(accountId, entry.secretDigest) ?? 0);
    current.set(entry.accountName, state);
    const timeline = timelines.get(entry.accountName) ?? [];
    timeline.push({ timeMs: Date.parse(entry.time), ...state });
    timelines.set(entry.accountName, timeline);
  }
  return sent.map((event) => {
    const timeline = timelines.get(backupAccountName(event.ref.workspaceId, event.ref.accountId)) ?? [];
    const reached = timeline.find(
      (point) => point.properties >= event.ref.version && point.secret >= event.ref.version,
    );
    return reached ? { ...event, latencyMs: Math.max(0, reached.timeMs - event.sentAtMs) } : { ...event };
  });
}

/** The p-th percentile (0..100, nearest rank) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
