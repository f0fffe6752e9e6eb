import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import {
  KafkaProduceRejectedError,
  KafkaProducerStateError,
  KafkaRecordTooLargeError,
  KafkaUnavailableError,
  translateProduceError,
} from './kafka.errors';

const { createErrorFromCode } = jest.requireActual<{ createErrorFromCode: (code: number) => Error }>(
  'kafkajs/src/protocol/error',
);

/** What the broker answers, as kafkajs raises it. */
const protocol = (code: number) => createErrorFromCode(code);

describe('translateProduceError', () => {
  it.each([
    [10, 'KAFKA_MESSAGE_TOO_LARGE'],
    [18, 'KAFKA_RECORD_LIST_TOO_LARGE'],
  ])('broker code %d → KafkaRecordTooLargeError %s, permanent, detected by the broker', (code, expected) => {
    const error = translateProduceError(protocol(code), 'dlq');
    expect(error).toBeInstanceOf(KafkaRecordTooLargeError);
    expect(error).toMatchObject({ code: expected, retriable: false, topic: 'dlq', detectedBy: 'broker' });
  });

  it.each([
    [87, 'KAFKA_INVALID_RECORD'],
    [29, 'KAFKA_TOPIC_AUTHORIZATION_FAILED'],
    [31, 'KAFKA_CLUSTER_AUTHORIZATION_FAILED'],
  ])('broker code %d → permanent KafkaProduceRejectedError %s', (code, expected) => {
    const error = translateProduceError(protocol(code), 'account-updated');
    expect(error).toBeInstanceOf(KafkaProduceRejectedError);
    expect(error).toMatchObject({ code: expected, retriable: false, topic: 'account-updated' });
    expect(error.message).toContain(expected.replace('KAFKA_', ''));
  });

  it.each([
    [45, 'KAFKA_OUT_OF_ORDER_SEQUENCE_NUMBER'],
    [47, 'KAFKA_INVALID_PRODUCER_EPOCH'],
    [59, 'KAFKA_UNKNOWN_PRODUCER_ID'],
  ])(
    'broker code %d → KafkaProducerStateError %s, retriable (the producer is replaced)',
    (code, expected) => {
      const error = translateProduceError(protocol(code), 't');
      expect(error).toBeInstanceOf(KafkaProducerStateError);
      expect(error).toMatchObject({ code: expected, retriable: true });
    },
  );

  it.each([
    ['NOT_LEADER_FOR_PARTITION', protocol(6)],
    ['REQUEST_TIMED_OUT', protocol(7)],
    ['NOT_ENOUGH_REPLICAS', protocol(19)],
    ['a refused connection', new KafkaJSConnectionError('connect ECONNREFUSED', { broker: 'b:9092' })],
    ['a request timeout', new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out')],
    [
      'retries exhausted on a transient cause',
      new KafkaJSNumberOfRetriesExceeded(protocol(6), { retryCount: 5, retryTime: 1 }),
    ],
  ])('%s → retriable KafkaUnavailableError', (_name, kafkaError) => {
    const error = translateProduceError(kafkaError, 't');
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect(error.retriable).toBe(true);
  });

  it('finds the broker answer inside kafkajs wrappers', () => {
    // What kafkajs' retrier rejects with for a non-retriable answer it did not bail on.
    const wrapped = Object.assign(new KafkaJSNonRetriableError('MESSAGE_TOO_LARGE'), { cause: protocol(10) });
    expect(translateProduceError(wrapped, 't')).toBeInstanceOf(KafkaRecordTooLargeError);
  });

  it('treats any other non-retriable kafkajs error as a permanent rejection', () => {
    const error = translateProduceError(new KafkaJSNonRetriableError('Invalid message without value'), 't');
    expect(error).toBeInstanceOf(KafkaProduceRejectedError);
    expect(error).toMatchObject({ code: 'KAFKA_REQUEST_REJECTED', retriable: false });
  });

  it('keeps the original error as the cause', () => {
    const original = protocol(87);
    expect(translateProduceError(original, 't').cause).toBe(original);
  });
});
