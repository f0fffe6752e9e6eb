import { type DataCipher } from '@vault-backup/crypto';
import { type ConsumedRecord, type DeliveredRecord, type RecordProducerPort } from '@vault-backup/kafka';
import { type BackupFailure } from '../domain/backup-failure';
import { type DeadLetterContext, type DeadLetterPort } from '../ports/dead-letter.port';

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
} as const;

/**
 * `original`: the value is the original bytes; `jwe`: the original bytes, encrypted (they may hold
 * plaintext secrets); `omitted`: too large to forward (the sealed original is in the failure record).
 */
export type DeadLetterValueEncoding = 'original' | 'jwe' | 'omitted';

/** Values above this are not forwarded; Kafka's default message limit is 1 MB and encryption expands by a third. */
export const MAX_DEAD_LETTER_VALUE_BYTES = 768 * 1024;

export const DEAD_LETTER_CIPHER_CONTEXT = 'dead-letter-value';

/**
 * Publishes a failed record to the dead-letter topic with its original key and headers and error
 * headers. The value stays byte-identical unless it might carry a plaintext secret (it did not
 * decode, or it decoded with plaintext `secrets`): then it is the original value encrypted, and
 * `vb-dlq-value-encoding: jwe` says so. Security wins over "value unchanged"; replay decrypts it.
 */
export class DeadLetterPublisher implements DeadLetterPort {
  constructor(
    private readonly producer: RecordProducerPort,
    private readonly cipher: DataCipher,
    private readonly topic: string,
    private readonly consumerGroup: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async publish(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
  ): Promise<DeliveredRecord> {
    const { value, encoding } = await this.valueFor(record, context);
    const [delivered] = await this.producer.send(this.topic, [
      {
        key: record.key,
        value,
        headers: { ...originalHeaders(record), ...this.errorHeaders(record, failure, context, encoding) },
      },
    ]);
    return delivered;
  }

  private async valueFor(
    record: ConsumedRecord,
    context: DeadLetterContext,
  ): Promise<{ value: Buffer | string | null; encoding: DeadLetterValueEncoding }> {
    if (!record.value) return { value: record.value, encoding: 'original' };
    if (record.value.length > MAX_DEAD_LETTER_VALUE_BYTES) return { value: null, encoding: 'omitted' };
    if (!context.mayContainPlaintextSecrets) return { value: record.value, encoding: 'original' };
    return { value: await this.cipher.encrypt(record.value, DEAD_LETTER_CIPHER_CONTEXT), encoding: 'jwe' };
  }

  private errorHeaders(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
    encoding: DeadLetterValueEncoding,
  ): Record<string, string> {
    return {
      [DLQ_HEADERS.originalTopic]: record.topic,
      [DLQ_HEADERS.originalPartition]: String(record.partition),
      [DLQ_HEADERS.originalOffset]: record.offset,
      [DLQ_HEADERS.originalTimestamp]: record.timestamp,
      [DLQ_HEADERS.errorClass]: failure.errorClass,
      [DLQ_HEADERS.errorCode]: failure.code,
      [DLQ_HEADERS.errorMessage]: failure.message,
      [DLQ_HEADERS.attempts]: String(context.attempts),
      [DLQ_HEADERS.consumerGroup]: this.consumerGroup,
      [DLQ_HEADERS.failedAt]: this.now().toISOString(),
      [DLQ_HEADERS.valueEncoding]: encoding,
      ...(context.workspaceId ? { [DLQ_HEADERS.workspaceId]: context.workspaceId } : {}),
    };
  }
}

/** Original headers, minus any earlier dead-letter headers (a replayed record that fails again). */
function originalHeaders(record: ConsumedRecord): Record<string, Buffer | string | (Buffer | string)[]> {
  const headers: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value === undefined || name.startsWith('vb-dlq-')) continue;
    headers[name] = value;
  }
  return headers;
}
