import { type DataCipher } from '@vault-backup/crypto';
import { isAppError, isRetriable } from '@vault-backup/errors';
import {
  type ConsumedRecord,
  type DeliveredRecord,
  KafkaRecordTooLargeError,
  type OutgoingRecord,
  recordBatchBytes,
  type RecordProducerPort,
  type TopicLimitReader,
} from '@vault-backup/kafka';
import { type BackupFailure } from '../domain/backup-failure';
import {
  DEAD_LETTER_CIPHER_CONTEXT,
  type DeadLetterValueEncoding,
  DLQ_HEADERS,
} from '../../kafka/dead-letter.format';
import { type DeadLetterContext, type DeadLetterPort } from '../ports/dead-letter.port';

/** Kafka's default `message.max.bytes`: assumed when the topic's limit is not known. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

type Headers = Record<string, Buffer | string | (Buffer | string)[]>;
type OmittedPart = 'value' | 'headers' | 'key';

/** What a reference dead letter keeps of the original record. */
interface Kept {
  readonly key: Buffer | null;
  readonly headers: Headers;
}

export interface DeadLetterPublisherOptions {
  /**
   * The dead-letter topic's `max.message.bytes`, from the broker. Without it (or when the broker
   * refuses for good to tell), Kafka's default is assumed; a broker refusal still leads to a smaller reference.
   */
  readonly limits?: TopicLimitReader;
  readonly now?: () => Date;
  /** Told the error code of every publish that failed (retriable or not), e.g. to count it. */
  readonly onPublishFailure?: (code: string) => void;
}

/**
 * Publishes a failed record to the dead-letter topic with its original key and headers and error
 * headers. The value stays byte-identical unless it might carry a plaintext secret (it did not
 * decode, or it decoded with plaintext `secrets`): then it is the original value encrypted, and
 * `vb-dlq-value-encoding: jwe` says so. Security wins over "value unchanged"; replay decrypts it.
 *
 * A dead letter always fits the topic: its exact size on the wire (after encryption, with every
 * header) is compared with the topic's `max.message.bytes`. When the original does not fit, the
 * dead letter is a reference instead (`vb-dlq-original-omitted: too-large`): the same headers and
 * a small value naming the source position, under which the failure record keeps the sealed original.
 * If the original key and headers alone are too large, the largest of them are left out too.
 */
export class DeadLetterPublisher implements DeadLetterPort {
  constructor(
    private readonly producer: RecordProducerPort,
    private readonly cipher: DataCipher,
    private readonly topic: string,
    private readonly consumerGroup: string,
    private readonly options: DeadLetterPublisherOptions = {},
  ) {}

  async publish(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
  ): Promise<DeliveredRecord> {
    try {
      const errorHeaders = this.errorHeaders(record, failure, context);
      return await this.publishFitting(await this.full(record, context, errorHeaders), (limitBytes) =>
        referenceWithin(record, errorHeaders, limitBytes),
      );
    } catch (error) {
      this.options.onPublishFailure?.(isAppError(error) ? error.code : 'UNKNOWN');
      throw error;
    }
  }

  /**
   * Sends the original if it fits, else a reference that fits. The broker refusing it as too large
   * means the limit was lowered since it was read: read it again and send a smaller reference, once.
   */
  private async publishFitting(
    full: OutgoingRecord,
    reference: (limitBytes: number) => OutgoingRecord,
  ): Promise<DeliveredRecord> {
    const limitBytes = await this.limit();
    const first = recordBatchBytes([full]) <= limitBytes ? full : reference(limitBytes);
    try {
      return await this.send(first);
    } catch (error) {
      if (!(error instanceof KafkaRecordTooLargeError)) throw error;
      this.options.limits?.invalidate(this.topic);
      const refusedBytes = recordBatchBytes([first]);
      const second = reference(Math.min(await this.limit(), refusedBytes - 1));
      if (recordBatchBytes([second]) >= refusedBytes) throw error;
      return this.send(second);
    }
  }

  private async send(deadLetter: OutgoingRecord): Promise<DeliveredRecord> {
    const [delivered] = await this.producer.send(this.topic, [deadLetter]);
    return delivered;
  }

  private async limit(): Promise<number> {
    try {
      return (await this.options.limits?.maxMessageBytes(this.topic)) ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    } catch (error) {
      if (isRetriable(error)) throw error;
      return KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    }
  }

  private async full(
    record: ConsumedRecord,
    context: DeadLetterContext,
    errorHeaders: Record<string, string>,
  ): Promise<OutgoingRecord> {
    const { value, encoding } = await this.valueFor(record, context);
    return {
      key: record.key,
      value,
      headers: { ...originalHeaders(record), ...errorHeaders, [DLQ_HEADERS.valueEncoding]: encoding },
    };
  }

  private async valueFor(
    record: ConsumedRecord,
    context: DeadLetterContext,
  ): Promise<{ value: Buffer | string | null; encoding: DeadLetterValueEncoding }> {
    if (!record.value || !context.mayContainPlaintextSecrets)
      return { value: record.value, encoding: 'original' };
    // Under the workspace named in `vb-dlq-workspace-id` (service scope when none): revoking its key
    // makes its dead letters unreadable too.
    const value = await this.cipher.encrypt(record.value, DEAD_LETTER_CIPHER_CONTEXT, context.workspaceId);
    return { value, encoding: 'jwe' };
  }

  private errorHeaders(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
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
      [DLQ_HEADERS.failedAt]: (this.options.now?.() ?? new Date()).toISOString(),
      ...(context.workspaceId ? { [DLQ_HEADERS.workspaceId]: context.workspaceId } : {}),
    };
  }
}

/**
 * The reference dead letter, within `limitBytes` when possible: the error headers, a small value and
 * as much of the original key and headers as fits, the largest of them left out first.
 */
function referenceWithin(
  record: ConsumedRecord,
  errorHeaders: Record<string, string>,
  limitBytes: number,
): OutgoingRecord {
  let kept: Kept = { key: record.key, headers: originalHeaders(record) };
  let candidate = referenceRecord(record, kept, errorHeaders);
  while (recordBatchBytes([candidate]) > limitBytes) {
    const smaller = withoutLargestPart(kept);
    if (smaller === undefined) break;
    kept = smaller;
    candidate = referenceRecord(record, kept, errorHeaders);
  }
  return candidate;
}

function withoutLargestPart(kept: Kept): Kept | undefined {
  const sizes: [string | null, number][] = Object.entries(kept.headers).map(([name, value]) => [
    name,
    recordBatchBytes([{ key: null, value: null, headers: { [name]: value } }]),
  ]);
  if (kept.key !== null) sizes.push([null, kept.key.length]);
  const [largest] = sizes.sort((a, b) => b[1] - a[1]);
  if (largest === undefined) return undefined;
  const [name] = largest;
  if (name === null) return { ...kept, key: null };
  const headers = { ...kept.headers };
  delete headers[name];
  return { ...kept, headers };
}

function referenceRecord(
  record: ConsumedRecord,
  kept: Kept,
  errorHeaders: Record<string, string>,
): OutgoingRecord {
  const omitted: OmittedPart[] = [
    'value',
    ...(Object.keys(kept.headers).length < Object.keys(originalHeaders(record)).length
      ? ['headers' as const]
      : []),
    ...(kept.key === null && record.key !== null ? ['key' as const] : []),
  ];
  return {
    key: kept.key,
    value: referenceValue(record, omitted),
    headers: { ...kept.headers, ...errorHeaders, ...omissionHeaders(record, omitted) },
  };
}

function omissionHeaders(record: ConsumedRecord, omitted: readonly OmittedPart[]): Record<string, string> {
  return {
    [DLQ_HEADERS.valueEncoding]: 'omitted',
    [DLQ_HEADERS.originalOmitted]: 'too-large',
    [DLQ_HEADERS.omittedParts]: omitted.join(','),
    [DLQ_HEADERS.originalValueBytes]: String(record.value?.length ?? 0),
  };
}

/** What a reference dead letter carries instead of the original: where the sealed original is. */
function referenceValue(record: ConsumedRecord, omitted: readonly OmittedPart[]): string {
  return JSON.stringify({
    originalOmitted: 'too-large',
    omitted,
    originalValueBytes: record.value?.length ?? 0,
    sealedIn: 'backup_failure',
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
  });
}

/** Original headers, minus any earlier dead-letter headers (a replayed record that fails again). */
function originalHeaders(record: ConsumedRecord): Headers {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value === undefined || name.startsWith('vb-dlq-')) continue;
    headers[name] = value;
  }
  return headers;
}
