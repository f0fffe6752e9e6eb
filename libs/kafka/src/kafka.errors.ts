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

interface KafkaJsLikeError {
  name?: string;
  message?: string;
  retriable?: boolean;
  type?: string;
}

/** Translates a kafkajs error (duck-typed: kafkajs sets `retriable`) into our typed errors. */
export function translateKafkaError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const kafkaError = (typeof error === 'object' && error !== null ? error : {}) as KafkaJsLikeError;
  const detail = kafkaError.type ?? kafkaError.name ?? 'error';
  const message = `${action} failed: ${detail}${kafkaError.message ? ` (${kafkaError.message})` : ''}`;
  return kafkaError.retriable === false
    ? new KafkaRequestRejectedError(message, { cause: error })
    : new KafkaUnavailableError(message, { cause: error });
}
