export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
export const RECORD_PRODUCER = Symbol('RECORD_PRODUCER');
/** The topics' `max.message.bytes`, read from the broker and cached (a TopicLimitReader). */
export const TOPIC_LIMITS = Symbol('TOPIC_LIMITS');
