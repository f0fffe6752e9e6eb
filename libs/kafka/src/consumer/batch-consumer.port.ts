import { type RecordBatch, type TopicPartitions } from '../kafka.types';
import { type PartitionProgress } from './partition-progress';

export type ConsumerState =
  'idle' | 'connecting' | 'running' | 'rebalancing' | 'stopping' | 'stopped' | 'crashed';

/** What a batch handler may do while it owns a partition's batch. */
export interface BatchControl {
  /** Keeps group membership alive during long work; cheap to call often (throttled by the client). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: wrap up, do not start new work. */
  isActive(): boolean;
  /**
   * Declares every record up to and including `lastProcessedOffset` durably handled and commits
   * the next offset to the group. Call it only after the outcomes are stored.
   */
  commit(lastProcessedOffset: string): Promise<void>;
}

/**
 * Handles one batch of one partition. It must not throw for a bad record: every record ends with
 * an explicit outcome. A throw means the batch is abandoned uncommitted and will be redelivered.
 */
export type BatchHandler = (batch: RecordBatch, control: BatchControl) => Promise<void>;

export interface BatchConsumerPort {
  readonly state: ConsumerState;
  start(handler: BatchHandler): Promise<void>;
  /** Stops fetching, lets the running batches finish, commits, and leaves the group. */
  stop(): Promise<void>;
  pause(partitions: readonly TopicPartitions[]): void;
  resume(partitions: readonly TopicPartitions[]): void;
  assignments(): readonly TopicPartitions[];
  /** Epoch milliseconds of the last successful group heartbeat, used to fence writes of a zombie. */
  lastHeartbeatAt(): number | undefined;
  /**
   * Where each currently assigned partition stands (commits, lag, oldest unprocessed record, pause),
   * as of now. Read-only and cheap: meant for scrapes and health probes, which must see a stuck
   * consumer even when no batch completes.
   */
  progress(): readonly PartitionProgress[];
  onStateChange(listener: (state: ConsumerState, error?: Error) => void): void;
}
