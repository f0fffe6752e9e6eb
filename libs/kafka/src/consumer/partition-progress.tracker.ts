import { type RecordBatch, type TopicPartitions } from '../kafka.types';
import { type PartitionProgress } from './partition-progress';

interface FetchedRecord {
  readonly offset: bigint;
  readonly timestamp: number;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly assignedAt: number;
  committedOffset?: bigint;
  committedAt?: number;
  /** Next offset that still needs processing: the commit, past filtered records, or the first fetched. */
  position?: bigint;
  highWatermark?: bigint;
  highWatermarkAt?: number;
  /** Offsets and timestamps of the last batch fetched (not the records: no payload is retained). */
  fetched: readonly FetchedRecord[];
  /** When the partition last went from caught up to behind. */
  behindSince?: number;
  /** When this member last paused it; only meaningful while the client reports it paused. */
  pausedAt?: number;
}

/**
 * Per-partition bookkeeping behind `BatchConsumerPort.progress()`. The adapter reports what happens
 * (assignment, fetch, commit, pause) and the tracker keeps only what is needed to tell, at any later
 * moment, how far behind each partition is and since when nothing has moved.
 */
export class PartitionProgressTracker {
  private partitions = new Map<string, PartitionState>();

  constructor(private readonly now: () => number) {}

  /** Replaces the assignment: partitions kept keep their history, revoked ones are forgotten. */
  assign(assignment: readonly TopicPartitions[]): void {
    const at = this.now();
    const next = new Map<string, PartitionState>();
    for (const { topic, partitions } of assignment) {
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        next.set(key, this.partitions.get(key) ?? { topic, partition, assignedAt: at, fetched: [] });
      }
    }
    this.partitions = next;
  }

  fetched(batch: RecordBatch): void {
    const state = this.partitions.get(keyOf(batch.topic, batch.partition));
    const first = batch.records[0];
    if (!state || !first) return;
    const at = this.now();
    state.position ??= BigInt(first.offset);
    state.highWatermark = BigInt(batch.highWatermark);
    state.highWatermarkAt = at;
    // A record without a usable timestamp existed at least when it was fetched.
    state.fetched = batch.records.map((record) => ({
      offset: BigInt(record.offset),
      timestamp: validTimestamp(record.timestamp) ?? at,
    }));
    refreshBehind(state, at);
  }

  /** A fetch that held only control records or aborted transactions: nothing there to process. */
  skipped(topic: string, partition: number, lastOffset: string, highWatermark: string): void {
    const state = this.partitions.get(keyOf(topic, partition));
    if (!state) return;
    const at = this.now();
    state.position = max(state.position, BigInt(lastOffset) + 1n);
    state.highWatermark = BigInt(highWatermark);
    state.highWatermarkAt = at;
    refreshBehind(state, at);
  }

  committed(topic: string, partition: number, nextOffset: string): void {
    const state = this.partitions.get(keyOf(topic, partition));
    if (!state) return;
    const at = this.now();
    const next = BigInt(nextOffset);
    state.committedOffset = next;
    state.committedAt = at;
    state.position = max(state.position, next);
    // Committed records are no longer anyone's concern; keep only what is still unprocessed.
    state.fetched = state.fetched.filter((record) => record.offset >= next);
    refreshBehind(state, at);
  }

  /**
   * `alreadyPaused` is the client's list before this call: pausing again must not restart the clock,
   * while a pause the client dropped (kafkajs forgets them when it restarts) must.
   */
  paused(partitions: readonly TopicPartitions[], alreadyPaused: readonly TopicPartitions[]): void {
    const at = this.now();
    const already = new Set(keysOf(alreadyPaused));
    for (const key of keysOf(partitions)) {
      const state = this.partitions.get(key);
      if (state && !already.has(key)) state.pausedAt = at;
    }
  }

  /**
   * `pausedNow` is the client's own list, which is the truth. A partition paused before this member
   * got it counts as paused since the assignment.
   */
  snapshot(pausedNow: readonly TopicPartitions[]): PartitionProgress[] {
    const observedAt = this.now();
    const paused = new Set(keysOf(pausedNow));
    return [...this.partitions.entries()]
      .map(([key, state]) => {
        const pausedSince = paused.has(key) ? (state.pausedAt ?? state.assignedAt) : undefined;
        return describe(state, observedAt, pausedSince);
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }
}

function describe(
  state: PartitionState,
  observedAt: number,
  pausedSince: number | undefined,
): PartitionProgress {
  const position = state.position;
  const oldest =
    position === undefined ? undefined : state.fetched.find((record) => record.offset >= position);
  const lagRecords = lagOf(state);
  return {
    topic: state.topic,
    partition: state.partition,
    observedAt,
    assignedAt: state.assignedAt,
    committedOffset: state.committedOffset?.toString(),
    committedAt: state.committedAt,
    highWatermark: state.highWatermark?.toString(),
    highWatermarkAt: state.highWatermarkAt,
    oldestUncommitted: oldest ? { offset: oldest.offset.toString(), timestamp: oldest.timestamp } : undefined,
    lagRecords,
    paused: pausedSince !== undefined,
    waitingSince: waitingSince(state, lagRecords > 0 ? state.behindSince : undefined, pausedSince),
  };
}

function lagOf(state: PartitionState): number {
  if (state.highWatermark === undefined || state.position === undefined) return 0;
  const lag = state.highWatermark - state.position;
  return lag > 0n ? Number(lag) : 0;
}

function refreshBehind(state: PartitionState, at: number): void {
  if (lagOf(state) > 0) state.behindSince ??= at;
  else state.behindSince = undefined;
}

/** The wait starts when the partition fell behind or was paused, and restarts at every commit. */
function waitingSince(
  state: PartitionState,
  behindSince: number | undefined,
  pausedSince: number | undefined,
): number | undefined {
  const starts = [behindSince, pausedSince].filter((start) => start !== undefined);
  if (starts.length === 0) return undefined;
  return Math.max(state.assignedAt, state.committedAt ?? state.assignedAt, Math.min(...starts));
}

function validTimestamp(timestamp: string): number | undefined {
  const value = Number(timestamp);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function max(current: bigint | undefined, candidate: bigint): bigint {
  return current === undefined || candidate > current ? candidate : current;
}

function keyOf(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

function keysOf(partitions: readonly TopicPartitions[]): string[] {
  return partitions.flatMap(({ topic, partitions: numbers }) =>
    numbers.map((partition) => keyOf(topic, partition)),
  );
}
