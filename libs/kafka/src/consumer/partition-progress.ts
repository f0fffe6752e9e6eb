/**
 * What the consumer knows about one assigned topic-partition at one moment. Every time is epoch
 * milliseconds on the consumer's clock, and every age is relative to `observedAt`, so readers need no
 * clock of their own and see the same picture the consumer saw.
 */
export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** When the snapshot was taken. */
  readonly observedAt: number;
  /** When this member got the partition (the last rebalance that assigned it). */
  readonly assignedAt: number;
  /** Next offset to consume as last committed by this member; undefined until it commits here. */
  readonly committedOffset: string | undefined;
  /** When that commit succeeded. */
  readonly committedAt: number | undefined;
  /** End of the partition as of the last fetch; undefined before the first non-empty fetch. */
  readonly highWatermark: string | undefined;
  /** When that high watermark was seen. */
  readonly highWatermarkAt: number | undefined;
  /** Oldest record fetched and not yet committed (`timestamp` is its Kafka timestamp). */
  readonly oldestUncommitted: { readonly offset: string; readonly timestamp: number } | undefined;
  /** Records between the committed position and the high watermark, fetched or not. */
  readonly lagRecords: number;
  readonly paused: boolean;
  /**
   * Since when the partition has had records to process, or been paused, without a commit: the
   * later of the last commit and the moment it fell behind. Undefined when caught up and fetching.
   */
  readonly waitingSince: number | undefined;
}

/**
 * Age of the oldest unprocessed record, 0 when caught up. When the backlog has not been fetched yet
 * its timestamps are unknown; the records existed when the high watermark was seen, so that moment
 * gives a lower bound, which keeps growing while nothing is consumed.
 */
export function lagSeconds(progress: PartitionProgress): number {
  const since =
    progress.oldestUncommitted?.timestamp ?? (progress.lagRecords > 0 ? progress.highWatermarkAt : undefined);
  return since === undefined ? 0 : Math.max(0, progress.observedAt - since) / 1000;
}

/** Time since this member last committed the partition, or since it got it if it never has. */
export function commitAgeSeconds(progress: PartitionProgress): number {
  return Math.max(0, progress.observedAt - (progress.committedAt ?? progress.assignedAt)) / 1000;
}

/** How long the partition has been waiting without a commit; 0 when it has nothing to do. */
export function stalledForMs(progress: PartitionProgress): number {
  return progress.waitingSince === undefined ? 0 : Math.max(0, progress.observedAt - progress.waitingSince);
}
