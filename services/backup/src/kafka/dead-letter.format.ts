/**
 * The dead-letter record format, shared by the pipeline (which writes dead letters) and the admin API
 * (which replays from them).
 */

/** Header names added to a dead-letter record; values are UTF-8 strings (as Kafka Connect writes them). */
export const DLQ_HEADERS = {
  originalTopic: 'vb-dlq-original-topic',
  originalPartition: 'vb-dlq-original-partition',
  originalOffset: 'vb-dlq-original-offset',
  originalTimestamp: 'vb-dlq-original-timestamp',
  errorClass: 'vb-dlq-error-class',
  errorCode: 'vb-dlq-error-code',
  errorMessage: 'vb-dlq-error-message',
  attempts: 'vb-dlq-attempts',
  workspaceId: 'vb-dlq-workspace-id',
  consumerGroup: 'vb-dlq-consumer-group',
  failedAt: 'vb-dlq-failed-at',
  valueEncoding: 'vb-dlq-value-encoding',
  /** Why the original is not in the dead letter: `too-large`. */
  originalOmitted: 'vb-dlq-original-omitted',
  /** What was left out: `value`, then `headers` (the largest original headers) and `key` if they had to go too. */
  omittedParts: 'vb-dlq-omitted-parts',
  originalValueBytes: 'vb-dlq-original-value-bytes',
} as const;

/**
 * `original`: the value is the original bytes; `jwe`: the original bytes, encrypted (they may hold
 * plaintext secrets); `omitted`: the dead letter would not fit in the topic, so the value is a small
 * JSON reference and the original is only in the failure record (`backup_failure`, sealed).
 */
export type DeadLetterValueEncoding = 'original' | 'jwe' | 'omitted';

export const DEAD_LETTER_CIPHER_CONTEXT = 'dead-letter-value';
