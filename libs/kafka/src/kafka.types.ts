/** Our own view of Kafka records, so that nothing outside the adapter depends on kafkajs types. */

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type RecordHeaders = Record<string, HeaderValue>;

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit; kept as decimal strings end to end. */
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
}

export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly records: readonly ConsumedRecord[];
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface OutgoingRecord {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  /** Kafka allows a header name more than once: an array keeps every value, in order. */
  readonly headers?: Record<string, Buffer | string | (Buffer | string)[]>;
  readonly partition?: number;
}

export interface DeliveredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}
