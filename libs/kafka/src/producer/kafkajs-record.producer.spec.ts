import { type Kafka, KafkaJSConnectionError, type ProducerRecord, type RecordMetadata } from 'kafkajs';
import { type TopicLimitReader } from '../admin/topic-limits';
import { KafkaProducerStateError, KafkaRecordTooLargeError, KafkaUnavailableError } from '../kafka.errors';
import { type OutgoingRecord } from '../kafka.types';
import { KafkajsRecordProducer } from './kafkajs-record.producer';
import { recordBatchBytes } from './record-size';

const { createErrorFromCode } = jest.requireActual<{ createErrorFromCode: (code: number) => Error }>(
  'kafkajs/src/protocol/error',
);

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ack = (partition = 0, baseOffset = '0'): RecordMetadata[] => [
  { topicName: 't', partition, errorCode: 0, baseOffset },
];

/** A kafkajs producer whose sends answer what the test scripts, in order. */
class FakeProducer {
  readonly sent: ProducerRecord[] = [];
  readonly answers: (() => Promise<RecordMetadata[]>)[] = [];
  connected = false;
  disconnected = false;
  connectFailure: Error | undefined;

  constructor(readonly id: number) {}

  async connect(): Promise<void> {
    if (this.connectFailure) throw this.connectFailure;
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.sent.push(record);
    return (this.answers.shift() ?? (() => Promise.resolve(ack())))();
  }
}

function fakeKafka(): { kafka: Kafka; producers: FakeProducer[] } {
  const producers: FakeProducer[] = [];
  const kafka = {
    producer: () => {
      const producer = new FakeProducer(producers.length + 1);
      producers.push(producer);
      return producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

class FixedLimits implements TopicLimitReader {
  readonly invalidated: string[] = [];
  constructor(private readonly bytes: number | Error) {}

  async maxMessageBytes(): Promise<number> {
    if (this.bytes instanceof Error) throw this.bytes;
    return this.bytes;
  }

  invalidate(topic: string): void {
    this.invalidated.push(topic);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const record = (value: string): OutgoingRecord => ({ key: 'k', value });

describe('KafkajsRecordProducer', () => {
  it('uses a new kafkajs producer after a failed send and disconnects the old one', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    producers[0].answers.push(() => Promise.reject(createErrorFromCode(10)));

    await expect(producer.send('t', [record('big')])).rejects.toBeInstanceOf(KafkaRecordTooLargeError);
    await expect(producer.send('t', [record('next')])).resolves.toEqual([
      { topic: 't', partition: 0, offset: '0' },
    ]);

    expect(producers).toHaveLength(2);
    expect(producers[0].disconnected).toBe(true);
    expect(producers[1].sent.map((sent) => sent.messages[0]?.value)).toEqual(['next']);
  });

  it.each([
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45],
    ['INVALID_PRODUCER_EPOCH', 47],
  ])('answers %s as retriable and sends the retry with a fresh producer', async (_type, code) => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    producers[0].answers.push(() => Promise.reject(createErrorFromCode(code)));

    const failure = await producer.send('t', [record('a')]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KafkaProducerStateError);
    expect(failure).toMatchObject({ retriable: true });
    await producer.send('t', [record('a')]);
    expect(producers[1].sent).toHaveLength(1);
  });

  it('lets sends already running on the failed producer finish before the new one takes over', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    const slow = deferred<RecordMetadata[]>();
    producers[0].answers.push(
      () => slow.promise,
      () => Promise.reject(createErrorFromCode(10)),
    );

    const running = producer.send('t', [record('running')]);
    await settle();
    await expect(producer.send('t', [record('too big')])).rejects.toBeInstanceOf(KafkaRecordTooLargeError);
    const later = producer.send('t', [record('later')]);
    await settle();

    // The later send waits: it must not overtake the one still running, nor may the old producer be closed under it.
    expect(producers[1]?.connected ?? false).toBe(false);
    expect(producers[0].disconnected).toBe(false);

    slow.resolve(ack(0, '7'));
    await expect(running).resolves.toEqual([{ topic: 't', partition: 0, offset: '7' }]);
    await expect(later).resolves.toHaveLength(1);
    expect(producers[0].disconnected).toBe(true);
    expect(producers[1].sent.map((sent) => sent.messages[0]?.value)).toEqual(['later']);
  });

  it('replaces the producer once when concurrent sends fail together', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    producers[0].answers.push(
      () => Promise.reject(createErrorFromCode(45)),
      () => Promise.reject(createErrorFromCode(45)),
    );

    const results = await Promise.allSettled([
      producer.send('t', [record('a')]),
      producer.send('t', [record('b')]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([producer.send('t', [record('c')]), producer.send('t', [record('d')])]);
    expect(producers).toHaveLength(2);
    expect(producers[1].sent).toHaveLength(2);
  });

  it('answers a failed reconnect as retriable and tries a new producer on the next send', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    producers[0].answers.push(() => Promise.reject(createErrorFromCode(87)));
    await expect(producer.send('t', [record('a')])).rejects.toMatchObject({ code: 'KAFKA_INVALID_RECORD' });

    const original = kafka.producer.bind(kafka);
    jest.spyOn(kafka, 'producer').mockImplementationOnce((config) => {
      const broken = original(config) as unknown as FakeProducer;
      broken.connectFailure = new KafkaJSConnectionError('connect ECONNREFUSED');
      return broken as never;
    });
    await expect(producer.send('t', [record('b')])).rejects.toBeInstanceOf(KafkaUnavailableError);
    await expect(producer.send('t', [record('c')])).resolves.toHaveLength(1);
    expect(producers.map((fake) => fake.sent.length)).toEqual([1, 0, 1]);
  });

  describe('with the topic limit known', () => {
    it('refuses a record that cannot fit before it reaches the broker, and keeps the producer', async () => {
      const { kafka, producers } = fakeKafka();
      const oversized = record('x'.repeat(2_000));
      const limits = new FixedLimits(recordBatchBytes([oversized]) - 1);
      const producer = new KafkajsRecordProducer(kafka, { limits });
      await producer.connect();

      const failure = await producer.send('t', [record('small'), oversized]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KafkaRecordTooLargeError);
      expect(failure).toMatchObject({
        code: 'KAFKA_MESSAGE_TOO_LARGE',
        retriable: false,
        detectedBy: 'client',
        recordBytes: recordBatchBytes([oversized]),
        limitBytes: recordBatchBytes([oversized]) - 1,
      });
      expect(producers[0].sent).toHaveLength(0);
      await producer.send('t', [record('small')]);
      expect(producers).toHaveLength(1);
    });

    it('sends a record of exactly the limit', async () => {
      const { kafka, producers } = fakeKafka();
      const exact = record('x'.repeat(2_000));
      const producer = new KafkajsRecordProducer(kafka, {
        limits: new FixedLimits(recordBatchBytes([exact])),
      });
      await producer.send('t', [exact]);
      expect(producers[0].sent).toHaveLength(1);
    });

    it('splits records that fit one by one but not together into ordered requests', async () => {
      const { kafka, producers } = fakeKafka();
      const records = ['a', 'b', 'c'].map((name) => record(name.repeat(1_000)));
      const producer = new KafkajsRecordProducer(kafka, {
        limits: new FixedLimits(recordBatchBytes(records.slice(0, 2))),
      });

      const delivered = await producer.send('t', records);
      expect(producers[0].sent.map((sent) => sent.messages.map((message) => message.value))).toEqual([
        [records[0].value, records[1].value],
        [records[2].value],
      ]);
      expect(delivered).toHaveLength(2);
    });

    it('reads the limit again after the broker said MESSAGE_TOO_LARGE', async () => {
      const { kafka, producers } = fakeKafka();
      const limits = new FixedLimits(1_000_000);
      const producer = new KafkajsRecordProducer(kafka, { limits });
      await producer.connect();
      producers[0].answers.push(() => Promise.reject(createErrorFromCode(10)));
      await expect(producer.send('dlq', [record('a')])).rejects.toBeInstanceOf(KafkaRecordTooLargeError);
      expect(limits.invalidated).toEqual(['dlq']);
    });

    it('still sends when the limit cannot be read (the broker enforces it anyway)', async () => {
      const { kafka, producers } = fakeKafka();
      const producer = new KafkajsRecordProducer(kafka, {
        limits: new FixedLimits(new KafkaUnavailableError('admin down')),
      });
      await producer.send('t', [record('a')]);
      expect(producers[0].sent).toHaveLength(1);
    });
  });

  it('disconnects every producer it still holds', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new KafkajsRecordProducer(kafka);
    await producer.connect();
    await producer.disconnect();
    expect(producers[0].disconnected).toBe(true);
  });
});
