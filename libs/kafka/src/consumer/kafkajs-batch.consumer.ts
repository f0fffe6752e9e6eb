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
    await handler(recordBatch, this.controlFor(payload));
  }

  private controlFor(payload: EachBatchPayload): BatchControl {
    const { batch } = payload;
    return {
      heartbeat: async () => {
        await payload.heartbeat();
      },
      isActive: () => payload.isRunning() && !payload.isStale(),
      commit: async (lastProcessedOffset: string) => {
        const next = (BigInt(lastProcessedOffset) + 1n).toString();
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
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
