import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage } from 'kafkajs';
import { type Logger } from 'pino';
import { translateKafkaError } from '../kafka.errors';
import { type ConsumedRecord, type RecordBatch, type TopicPartitions } from '../kafka.types';
import {
  type BatchConsumerPort,
  type BatchControl,
  type BatchHandler,
  type ConsumerState,
} from './batch-consumer.port';
import { type PartitionProgress } from './partition-progress';
import { PartitionProgressTracker } from './partition-progress.tracker';

export interface BatchConsumerSettings {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
  readonly maxWaitTimeMs: number;
}

/**
 * kafkajs adapter behind BatchConsumerPort. Offsets are committed only through BatchControl.commit
 * (autoCommit off), so kafkajs never commits a record we have not durably handled.
 */
export class KafkajsBatchConsumer implements BatchConsumerPort {
  private readonly consumer: Consumer;
  private currentState: ConsumerState = 'idle';
  private heartbeatAt: number | undefined;
  private assigned: TopicPartitions[] = [];
  private readonly listeners: ((state: ConsumerState, error?: Error) => void)[] = [];
  private readonly tracker: PartitionProgressTracker;

  /** `now` (epoch ms) times the progress bookkeeping; injectable so tests can age it without waiting. */
  constructor(
    kafka: Kafka,
    private readonly settings: BatchConsumerSettings,
    private readonly logger: Logger,
    now: () => number = Date.now,
  ) {
    this.tracker = new PartitionProgressTracker(now);
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    this.watchConsumerEvents();
  }

  get state(): ConsumerState {
    return this.currentState;
  }

  async start(handler: BatchHandler): Promise<void> {
    this.setState('connecting');
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({
        topics: [...this.settings.topics],
        fromBeginning: this.settings.fromBeginning,
      });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.handleBatch(payload, handler),
      });
    } catch (error) {
      const translated = translateKafkaError(error, 'starting the consumer');
      this.setState('crashed', translated);
      throw translated;
    }
    this.setState('running');
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped' || this.currentState === 'idle') return;
    this.setState('stopping');
    try {
      // kafkajs waits for running eachBatch calls to return, then leaves the group.
      await this.consumer.disconnect();
    } finally {
      // Cleared here, not on kafkajs' STOP event: that one also fires when kafkajs restarts after a
      // crash, and forgetting then would restart every stall clock in a crash loop.
      this.tracker.assign([]);
      this.setState('stopped');
    }
  }

  pause(partitions: readonly TopicPartitions[]): void {
    const alreadyPaused = this.consumer.paused();
    this.consumer.pause(partitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })));
    this.tracker.paused(partitions, alreadyPaused);
  }

  resume(partitions: readonly TopicPartitions[]): void {
    this.consumer.resume(partitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })));
  }

  assignments(): readonly TopicPartitions[] {
    return this.assigned;
  }

  lastHeartbeatAt(): number | undefined {
    return this.heartbeatAt;
  }

  progress(): readonly PartitionProgress[] {
    return this.tracker.snapshot(this.consumer.paused());
  }

  onStateChange(listener: (state: ConsumerState, error?: Error) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs the handler on one batch. A group-membership error kafkajs raised (a heartbeat or commit
   * refused because the group is rebalancing or this member was fenced) is handed back to kafkajs as it was,
   * whatever the handler turned it into on the way (Nest's RPC layer replaces errors with a generic
   * one): kafkajs recognises its own errors and rejoins the group instead of crash-restarting.
   */
  private async handleBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    const recordBatch: RecordBatch = {
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      records: batch.messages.map((message) => toConsumedRecord(batch.topic, batch.partition, message)),
    };
    this.tracker.fetched(recordBatch);
    const kafkaFailure: { error?: Error } = {};
    try {
      await handler(recordBatch, this.controlFor(payload, kafkaFailure));
    } catch (error) {
      throw kafkaFailure.error ?? error;
    }
    if (kafkaFailure.error !== undefined) throw kafkaFailure.error;
  }

  private controlFor(payload: EachBatchPayload, kafkaFailure: { error?: Error }): BatchControl {
    const { batch } = payload;
    const remembered = async (call: () => Promise<void>): Promise<void> => {
      try {
        await call();
      } catch (error) {
        if (error instanceof Error && isGroupMembershipError(error)) kafkaFailure.error ??= error;
        throw error;
      }
    };
    return {
      heartbeat: () => remembered(() => payload.heartbeat()),
      isActive: () => payload.isRunning() && !payload.isStale(),
      commit: async (lastProcessedOffset: string) => {
        const next = (BigInt(lastProcessedOffset) + 1n).toString();
        await remembered(() =>
          this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]),
        );
        this.tracker.committed(batch.topic, batch.partition, next);
        // Moves kafkajs' fetch position too; without it the same records would be fetched again.
        payload.resolveOffset(lastProcessedOffset);
      },
    };
  }

  private watchConsumerEvents(): void {
    const { events } = this.consumer;
    this.consumer.on(events.HEARTBEAT, ({ timestamp }) => {
      this.heartbeatAt = timestamp;
    });
    this.consumer.on(events.REBALANCING, () => this.setState('rebalancing'));
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.assigned = Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({
        topic,
        partitions,
      }));
      this.tracker.assign(this.assigned);
      this.heartbeatAt = Date.now();
      this.logger.info(
        { memberId: payload.memberId, assignment: payload.memberAssignment },
        'joined consumer group',
      );
      if (this.currentState !== 'stopping') this.setState('running');
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      const error = translateKafkaError(payload.error, 'consuming');
      if (payload.restart) {
        this.logger.warn({ err: error }, 'consumer crashed; kafkajs restarts it');
        return;
      }
      this.logger.error({ err: error }, 'consumer crashed for good');
      this.setState('crashed', error);
    });
    // kafkajs resolves batches of only control records or aborted transactions itself, without
    // calling eachBatch: without this, those offsets would look like lag that never drains.
    this.consumer.on(events.START_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0)
        this.tracker.skipped(payload.topic, payload.partition, payload.lastOffset, payload.highWatermark);
    });
    this.consumer.on(events.STOP, () => {
      if (this.currentState !== 'crashed') this.setState('stopped');
    });
  }

  private setState(state: ConsumerState, error?: Error): void {
    if (this.currentState === state) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state, error);
  }
}

/**
 * kafkajs' own "this member's work is void" errors: the group is rebalancing or this member was
 * fenced. Its runner rejoins the group on them, but only when they reach it as they are.
 */
const GROUP_MEMBERSHIP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

export function isGroupMembershipError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && GROUP_MEMBERSHIP_ERRORS.has(type);
}

/** A kafkajs message as our ports see it. */
export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers ?? {},
  };
}
