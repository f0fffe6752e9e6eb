import { type DeliveredRecord, type OutgoingRecord } from '../kafka.types';

export interface RecordProducerPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Resolves only once every record is acknowledged by all in-sync replicas. Records are written in
   * order, in as many produce requests as the topic's size limit needs. Rejects with a typed error:
   * KafkaRecordTooLargeError or KafkaProduceRejectedError (permanent), KafkaProducerStateError or
   * KafkaUnavailableError (retriable). A failed send never affects the next one.
   */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]>;
}
