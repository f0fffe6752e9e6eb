import { AppError } from '@vault-backup/errors';

/** The broker could not be reached or refused the request for a reason that may pass. */
export class KafkaUnavailableError extends AppError {
  readonly code = 'KAFKA_UNAVAILABLE';
  readonly retriable = true;
}

/** The request can never succeed as sent (unknown topic with auto-create off, record too large, auth). */
export class KafkaRequestRejectedError extends AppError {
  readonly code = 'KAFKA_REQUEST_REJECTED';
  readonly retriable = false;
}

export interface RecordTooLargeFacts {
  readonly topic: string;
  /** Who refused it: this process (the topic's limit was known) or the broker. */
  readonly detectedBy: 'client' | 'broker';
  /** Size of the refused record batch on the wire, when this process measured it. */
  readonly recordBytes?: number;
  /** The topic's `max.message.bytes`, when known. */
  readonly limitBytes?: number;
}

/** A record (or the batch of one partition) is larger than the topic accepts: sending it again cannot help. */
export class KafkaRecordTooLargeError extends AppError {
  readonly retriable = false;
  readonly topic: string;
  readonly detectedBy: 'client' | 'broker';
  readonly recordBytes?: number;
  readonly limitBytes?: number;

  constructor(
    readonly code: 'KAFKA_MESSAGE_TOO_LARGE' | 'KAFKA_RECORD_LIST_TOO_LARGE',
    message: string,
    facts: RecordTooLargeFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.topic = facts.topic;
    this.detectedBy = facts.detectedBy;
    this.recordBytes = facts.recordBytes;
    this.limitBytes = facts.limitBytes;
  }
}

/** The broker refused the produce for good (invalid record, not authorised for the topic …); `code` says why. */
export class KafkaProduceRejectedError extends AppError {
  readonly retriable = false;

  constructor(
    readonly code: string,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The idempotent producer's sequence or epoch no longer matched the broker's (OUT_OF_ORDER_SEQUENCE_NUMBER,
 * INVALID_PRODUCER_EPOCH …). The record was not written and the producer has been replaced: sending again works.
 */
export class KafkaProducerStateError extends AppError {
  readonly retriable = true;

  constructor(
    readonly code: string,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface KafkaJsLikeError {
  name?: string;
  message?: string;
  retriable?: boolean;
  type?: string;
  cause?: unknown;
}

/** Translates a kafkajs error (duck-typed: kafkajs sets `retriable`) into our typed errors. */
export function translateKafkaError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const kafkaError = asKafkaJsError(error);
  const message = describeFailure(action, kafkaError);
  return kafkaError.retriable === false
    ? new KafkaRequestRejectedError(message, { cause: error })
    : new KafkaUnavailableError(message, { cause: error });
}

const TOO_LARGE = {
  MESSAGE_TOO_LARGE: 'KAFKA_MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'KAFKA_RECORD_LIST_TOO_LARGE',
} as const;

/** Sequence/epoch mismatches of the idempotent producer: nothing was written, a fresh producer succeeds. */
const PRODUCER_STATE_TYPES = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

/** kafkajs gave up waiting or retrying; the cause itself was transient. */
const TRANSIENT_GIVE_UPS = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/**
 * Translates a failed produce. Permanent, with the broker's precise reason as `KAFKA_<TYPE>`:
 * MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE ({@link KafkaRecordTooLargeError}), INVALID_RECORD,
 * TOPIC_AUTHORIZATION_FAILED and every other error kafkajs marks non-retriable
 * ({@link KafkaProduceRejectedError}). Retriable: producer sequence/epoch mismatches
 * ({@link KafkaProducerStateError}) and everything transient — broker unreachable, timeouts,
 * NOT_LEADER_FOR_PARTITION, exhausted retries ({@link KafkaUnavailableError}).
 */
export function translateProduceError(error: unknown, topic: string): AppError {
  if (error instanceof AppError) return error;
  const outer = asKafkaJsError(error);
  const protocol = protocolErrorIn(error);
  const type = protocol?.type;
  const message = describeFailure(`producing to ${topic}`, protocol ?? outer);
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE')
    return new KafkaRecordTooLargeError(
      TOO_LARGE[type],
      message,
      { topic, detectedBy: 'broker' },
      { cause: error },
    );
  if (type !== undefined && PRODUCER_STATE_TYPES.has(type))
    return new KafkaProducerStateError(`KAFKA_${type}`, topic, message, { cause: error });
  if (type !== undefined && protocol?.retriable === false)
    return new KafkaProduceRejectedError(`KAFKA_${type}`, topic, message, { cause: error });
  if (outer.retriable === false && !TRANSIENT_GIVE_UPS.has(outer.name ?? ''))
    return new KafkaProduceRejectedError('KAFKA_REQUEST_REJECTED', topic, message, { cause: error });
  return new KafkaUnavailableError(message, { cause: error });
}

function asKafkaJsError(error: unknown): KafkaJsLikeError {
  return typeof error === 'object' && error !== null ? error : {};
}

/** kafkajs wraps the broker's answer (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded): find it. */
function protocolErrorIn(error: unknown): KafkaJsLikeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as KafkaJsLikeError;
    if (typeof candidate.type === 'string') return candidate;
    current = candidate.cause;
  }
  return undefined;
}

function describeFailure(action: string, error: KafkaJsLikeError): string {
  const detail = error.type ?? error.name ?? 'error';
  return `${action} failed: ${detail}${error.message ? ` (${error.message})` : ''}`;
}
