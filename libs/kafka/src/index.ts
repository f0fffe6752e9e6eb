export * from './kafka.types';
export * from './kafka.errors';
export * from './client/kafka-client.factory';
export * from './consumer/batch-consumer.port';
export * from './consumer/kafkajs-batch.consumer';
export * from './producer/record-producer.port';
export * from './producer/kafkajs-record.producer';
export * from './admin/kafka-admin';
