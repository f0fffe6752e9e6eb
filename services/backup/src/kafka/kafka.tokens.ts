export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
export const RECORD_PRODUCER = Symbol('RECORD_PRODUCER');
/** The topics' `max.message.bytes`, read from the broker and cached (a TopicLimitReader). */
export const TOPIC_LIMITS = Symbol('TOPIC_LIMITS');
/** Reads an offset range of a partition (a TopicRangeReaderPort), e.g. of the dead-letter topic to replay from it. */
export const TOPIC_RANGE_READER = Symbol('TOPIC_RANGE_READER');
