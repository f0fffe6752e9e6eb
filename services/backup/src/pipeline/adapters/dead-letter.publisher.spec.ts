import { randomBytes } from 'node:crypto';
import {
  EnvelopeDataCipher,
  InMemoryDataKeyStore,
  LocalKeyWrapper,
  NoWorkspaceKeys,
  parseKeyRing,
} from '@vault-backup/crypto';
import {
  type ConsumedRecord,
  type DeliveredRecord,
  KafkaProduceRejectedError,
  KafkaRecordTooLargeError,
  KafkaRequestRejectedError,
  KafkaUnavailableError,
  type OutgoingRecord,
  recordBatchBytes,
  type RecordProducerPort,
  type TopicLimitReader,
} from '@vault-backup/kafka';
import { type BackupFailure } from '../domain/backup-failure';
import { DEAD_LETTER_CIPHER_CONTEXT } from '../../kafka/dead-letter.format';
import {
  DeadLetterPublisher,
  type DeadLetterPublisherOptions,
  KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
} from './dead-letter.publisher';

/** Accepts what fits `limitBytes` (as the broker would), refuses the rest; or fails with `failure`. */
class FakeProducer implements RecordProducerPort {
  readonly sent: OutgoingRecord[] = [];
  failure: Error | undefined;

  constructor(public limitBytes = KAFKA_DEFAULT_MAX_MESSAGE_BYTES) {}

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    const [record] = records as [OutgoingRecord];
    this.sent.push(record);
    if (this.failure) throw this.failure;
    if (recordBatchBytes([record]) > this.limitBytes)
      throw new KafkaRecordTooLargeError('KAFKA_MESSAGE_TOO_LARGE', 'too large', {
        topic,
        detectedBy: 'broker',
      });
    return [{ topic, partition: 0, offset: String(this.sent.length - 1) }];
  }
}

class FakeLimits implements TopicLimitReader {
  readonly invalidated: string[] = [];
  constructor(public answer: number | Error) {}

  async maxMessageBytes(): Promise<number> {
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }

  invalidate(topic: string): void {
    this.invalidated.push(topic);
  }
}

const failure: BackupFailure = {
  errorClass: 'invalid-event',
  code: 'EVENT_NOT_JSON',
  message: 'the value is not valid JSON',
  retriable: false,
};

function consumed(value: Buffer | null, headers: ConsumedRecord['headers'] = {}): ConsumedRecord {
  return {
    topic: 'account-updated',
    partition: 3,
    offset: '42',
    timestamp: '1700000000000',
    key: Buffer.from('ws-1:acc-1'),
    value,
    headers: { ce_type: Buffer.from('account.updated.v1'), ...headers },
  };
}

const header = (record: OutgoingRecord, name: string) => record.headers?.[name]?.toString();
const plain = { attempts: 2, workspaceId: 'ws-1', mayContainPlaintextSecrets: false };
const secret = { ...plain, mayContainPlaintextSecrets: true };

describe('DeadLetterPublisher', () => {
  const cipher = new EnvelopeDataCipher(new InMemoryDataKeyStore(), {
    service: new LocalKeyWrapper(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`)),
    workspaceKeys: new NoWorkspaceKeys(),
  });
  let producer: FakeProducer;
  let limits: FakeLimits;
  let failures: string[];

  function publisher(options: DeadLetterPublisherOptions = { limits }): DeadLetterPublisher {
    return new DeadLetterPublisher(producer, cipher, 'dlq', 'group-1', {
      now: () => new Date('2026-01-02T03:04:05Z'),
      onPublishFailure: (code) => failures.push(code),
      ...options,
    });
  }

  /** Largest value of `record` whose full dead letter fits `limitBytes`, found on what the publisher sends. */
  async function thresholdFor(record: ConsumedRecord, limitBytes: number): Promise<number> {
    await publisher().publish({ ...record, value: Buffer.alloc(1) }, failure, plain);
    const form = producer.sent.pop() as OutgoingRecord;
    let fitting = 0;
    for (let step = 1 << 21; step >= 1; step >>= 1) {
      if (recordBatchBytes([{ ...form, value: Buffer.alloc(fitting + step) }]) <= limitBytes) fitting += step;
    }
    return fitting;
  }

  beforeEach(() => {
    producer = new FakeProducer();
    limits = new FakeLimits(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    failures = [];
  });

  it('forwards a value that fits unchanged, with the original key, headers and the error headers', async () => {
    const record = consumed(Buffer.from('{"ok":false}'));
    expect(await publisher().publish(record, failure, plain)).toEqual({
      topic: 'dlq',
      partition: 0,
      offset: '0',
    });
    const [sent] = producer.sent as [OutgoingRecord];
    expect(sent.key).toEqual(record.key);
    expect(sent.value).toEqual(record.value);
    expect(header(sent, 'ce_type')).toBe('account.updated.v1');
    expect(header(sent, 'vb-dlq-value-encoding')).toBe('original');
    expect(header(sent, 'vb-dlq-error-code')).toBe('EVENT_NOT_JSON');
    expect(header(sent, 'vb-dlq-original-omitted')).toBeUndefined();
  });

  it('encrypts a value that may hold plaintext secrets, under the workspace it names', async () => {
    await publisher().publish(consumed(Buffer.from('password=hunter2')), failure, secret);
    const [sent] = producer.sent as [OutgoingRecord];
    expect(header(sent, 'vb-dlq-value-encoding')).toBe('jwe');
    const plaintext = await cipher.decrypt(String(sent.value), DEAD_LETTER_CIPHER_CONTEXT, 'ws-1');
    expect(Buffer.from(plaintext).toString()).toBe('password=hunter2');
    await expect(cipher.decrypt(String(sent.value), DEAD_LETTER_CIPHER_CONTEXT)).rejects.toThrow(
      /another scope/,
    );
  });

  it('encrypts a value attributed to no workspace under the service scope', async () => {
    const { workspaceId: _none, ...unattributed } = secret;
    await publisher().publish(consumed(Buffer.from('password=hunter2')), failure, unattributed);
    const [sent] = producer.sent as [OutgoingRecord];
    expect(header(sent, 'vb-dlq-workspace-id')).toBeUndefined();
    const plaintext = await cipher.decrypt(String(sent.value), DEAD_LETTER_CIPHER_CONTEXT);
    expect(Buffer.from(plaintext).toString()).toBe('password=hunter2');
  });

  it.each([
    ['threshold - 1', 'original', -1],
    ['threshold', 'original', 0],
    ['threshold + 1', 'omitted', 1],
  ])('a value of %s bytes is sent as %s', async (_size, encoding, delta) => {
    const limitBytes = 200_000;
    limits.answer = limitBytes;
    const threshold = await thresholdFor(consumed(null), limitBytes);
    await publisher().publish(consumed(Buffer.alloc(threshold + delta, 0x7b)), failure, plain);
    const [sent] = producer.sent as [OutgoingRecord];
    expect(header(sent, 'vb-dlq-value-encoding')).toBe(encoding);
    expect(recordBatchBytes([sent])).toBeLessThanOrEqual(limitBytes);
  });

  it('sends a reference with every header when the encrypted original would not fit', async () => {
    const value = Buffer.alloc(768 * 1024, 0x7b);
    await publisher().publish(consumed(value), failure, secret);
    const [sent] = producer.sent as [OutgoingRecord];
    expect(recordBatchBytes([sent])).toBeLessThanOrEqual(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    expect(sent.key?.toString()).toBe('ws-1:acc-1');
    expect(header(sent, 'ce_type')).toBe('account.updated.v1');
    expect(header(sent, 'vb-dlq-value-encoding')).toBe('omitted');
    expect(header(sent, 'vb-dlq-original-omitted')).toBe('too-large');
    expect(header(sent, 'vb-dlq-omitted-parts')).toBe('value');
    expect(header(sent, 'vb-dlq-original-value-bytes')).toBe(String(768 * 1024));
    expect(header(sent, 'vb-dlq-workspace-id')).toBe('ws-1');
    expect(header(sent, 'vb-dlq-attempts')).toBe('2');
    expect(JSON.parse(String(sent.value))).toEqual({
      originalOmitted: 'too-large',
      omitted: ['value'],
      originalValueBytes: 768 * 1024,
      sealedIn: 'backup_failure',
      source: { topic: 'account-updated', partition: 3, offset: '42' },
    });
  });

  it('leaves out the largest original headers when they alone are too large, keeping the small ones and the key', async () => {
    const record = consumed(Buffer.from('x'), { big: Buffer.alloc(700_000), bigger: Buffer.alloc(800_000) });
    await publisher().publish(record, failure, plain);
    const [sent] = producer.sent;
    expect(recordBatchBytes([sent])).toBeLessThanOrEqual(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    expect(sent.key?.toString()).toBe('ws-1:acc-1');
    expect(header(sent, 'bigger')).toBeUndefined();
    expect(sent.headers?.big).toEqual(Buffer.alloc(700_000));
    expect(header(sent, 'ce_type')).toBe('account.updated.v1');
    expect(header(sent, 'vb-dlq-omitted-parts')).toBe('value,headers');
    expect(header(sent, 'vb-dlq-original-offset')).toBe('42');
    expect(JSON.parse(String(sent.value))).toMatchObject({ omitted: ['value', 'headers'] });
  });

  it('leaves out the key when it is the largest part', async () => {
    const record = { ...consumed(Buffer.from('x')), key: Buffer.alloc(1_100_000, 0x6b) };
    await publisher().publish(record, failure, plain);
    const [sent] = producer.sent;
    expect(sent.key).toBeNull();
    expect(header(sent, 'ce_type')).toBe('account.updated.v1');
    expect(header(sent, 'vb-dlq-omitted-parts')).toBe('value,key');
  });

  it('reads the limit again after a refusal and sends a smaller form, never the refused one again', async () => {
    producer.limitBytes = 100_000; // lowered after the publisher read 1 MiB
    await publisher().publish(consumed(Buffer.alloc(500_000)), failure, plain);
    expect(producer.sent.map((sent) => header(sent, 'vb-dlq-value-encoding'))).toEqual([
      'original',
      'omitted',
    ]);
    expect(limits.invalidated).toEqual(['dlq']);
    expect(failures).toEqual([]);
  });

  it('gives up with the typed error when even a bare reference exceeds the limit, and reports it', async () => {
    limits.answer = 100;
    producer.limitBytes = 100;
    const error = await publisher()
      .publish(consumed(Buffer.alloc(10)), failure, plain)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaRecordTooLargeError);
    expect(producer.sent.map((sent) => header(sent, 'vb-dlq-omitted-parts'))).toEqual(['value,headers,key']);
    expect(failures).toEqual(['KAFKA_MESSAGE_TOO_LARGE']);
  });

  it('tries a smaller reference only once after a refusal', async () => {
    producer.limitBytes = 50_000; // the reader keeps answering 1 MiB
    const record = consumed(Buffer.alloc(60_000), { trace: Buffer.alloc(60_000) });
    await expect(publisher().publish(record, failure, plain)).rejects.toBeInstanceOf(
      KafkaRecordTooLargeError,
    );
    expect(producer.sent.map((sent) => header(sent, 'vb-dlq-value-encoding'))).toEqual([
      'original',
      'omitted',
    ]);
  });

  it.each([
    ['a broker outage (retriable)', new KafkaUnavailableError('down'), 'KAFKA_UNAVAILABLE'],
    [
      'a refusal for good',
      new KafkaProduceRejectedError('KAFKA_TOPIC_AUTHORIZATION_FAILED', 'dlq', 'denied'),
      'KAFKA_TOPIC_AUTHORIZATION_FAILED',
    ],
  ])('passes %s on, once, and reports its code', async (_name, producerError, code) => {
    producer.failure = producerError;
    await expect(publisher().publish(consumed(Buffer.from('x')), failure, plain)).rejects.toBe(producerError);
    expect(producer.sent).toHaveLength(1);
    expect(failures).toEqual([code]);
  });

  it('does not guess when the limit cannot be read for now: the publish is retried later', async () => {
    limits.answer = new KafkaUnavailableError('admin down');
    await expect(publisher().publish(consumed(Buffer.from('x')), failure, plain)).rejects.toBe(limits.answer);
    expect(producer.sent).toHaveLength(0);
  });

  it.each([
    [
      'the broker refuses for good to tell it',
      () => ({ limits: new FakeLimits(new KafkaRequestRejectedError('denied')) }),
    ],
    ['no limit reader is wired', () => ({})],
  ])('assumes Kafka’s default limit when %s', async (_name, options) => {
    await publisher(options()).publish(consumed(Buffer.alloc(1_000_000)), failure, plain);
    await publisher(options()).publish(consumed(Buffer.alloc(1_048_576)), failure, plain);
    expect(producer.sent.map((sent) => header(sent, 'vb-dlq-value-encoding'))).toEqual([
      'original',
      'omitted',
    ]);
  });

  it('drops dead-letter headers of an earlier failure of the same record', async () => {
    await publisher().publish(consumed(Buffer.from('x'), { 'vb-dlq-error-code': 'OLD' }), failure, plain);
    expect(header(producer.sent[0], 'vb-dlq-error-code')).toBe('EVENT_NOT_JSON');
  });
});
