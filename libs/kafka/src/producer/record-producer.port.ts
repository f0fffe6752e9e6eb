import { type DeliveredRecord, type OutgoingRecord } from '../kafka.types';

export interface RecordProducerPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves only once every record is acknowledged by all in-sync replicas. */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]>;
}
