import { randomBytes } from 'node:crypto';
import { type Consumer, type Kafka, type KafkaMessage } from 'kafkajs';
import { LocalDataCipher, parseKeyRing } from '@vault-backup/crypto';
import {
  CachedTopicLimitReader,
  type ConsumedRecord,
  createKafkaClient,
  type DeliveredRecord,
  KafkaAdmin,
  KafkajsRecordProducer,
  type OutgoingRecord,
  recordBatchBytes,
  type RecordProducerPort,
} from '@vault-backup/kafka';
import {
  createTopics,
  requireBrokers,
  silentLogger,
  testKafka,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { type BackupFailure } from '../domain/backup-failure';
import { DEAD_LETTER_CIPHER_CONTEXT } from '../../kafka/dead-letter.format';
import { DeadLetterPublisher } from './dead-letter.publisher';

const brokerVariants: ['KAFKA_BROKERS' | 'KAFKA4_BROKERS', string][] = [['KAFKA_BROKERS', 'Kafka 3.9']];
if (process.env.KAFKA4_BROKERS) brokerVariants.push(['KAFKA4_BROKERS', 'Kafka 4.x']);

/** The real producer, remembering the last record it was asked to send. */
class RecordingProducer implements RecordProducerPort {
  last: OutgoingRecord | undefined;
  constructor(private readonly inner: RecordProducerPort) {}
  connect(): Promise<void> {
    return this.inner.connect();
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    this.last = records[0];
    return this.inner.send(topic, records);
  }
}

const failure: BackupFailure = {
  errorClass: 'invalid-event',
  code: 'EVENT_NOT_JSON',
  message: 'the value is not valid JSON',
  retriable: false,
};

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

/** The largest n for which `fits(n)` holds (fits is monotone, fits(0) holds). */
async function largest(fits: (n: number) => boolean | Promise<boolean>): Promise<number> {
  let found = 0;
  for (let step = 1 << 22; step >= 1; step >>= 1) if (await fits(found + step)) found += step;
  return found;
}

describe.each(brokerVariants)(
  'DeadLetterPublisher against a real dead-letter topic at broker defaults (%s, %s)',
  (variable) => {
    const cipher = new LocalDataCipher(parseKeyRing(`it:${randomBytes(32).toString('base64')}`));
    let kafka: Kafka;
    let admin: KafkaAdmin;
    let producer: RecordingProducer;
    let publisher: DeadLetterPublisher;
    let dlq: string;
    let limitBytes: number;
    let offset = 0;
    const read = new Map<string, KafkaMessage>();
    let reader: Consumer;

    beforeAll(async () => {
      const brokers = requireBrokers(variable);
      kafka = createKafkaClient({ brokers, clientId: uniqueName('it-dlq'), ssl: false }, silentLogger());
      dlq = uniqueName('it-dlq');
      // No max.message.bytes override: the topic inherits the broker's default, as in production.
      await createTopics(testKafka(brokers), [dlq], 1);
      admin = new KafkaAdmin(kafka);
      await admin.connect();
      const limits = new CachedTopicLimitReader(admin);
      producer = new RecordingProducer(new KafkajsRecordProducer(kafka, { limits }));
      await producer.connect();
      publisher = new DeadLetterPublisher(producer, cipher, dlq, 'it-group', {
        limits,
        now: () => new Date('2026-01-02T03:04:05Z'),
      });
      limitBytes = await limits.maxMessageBytes(dlq);
      reader = testKafka(brokers).consumer({ groupId: uniqueName('it-dlq-read') });
      await reader.connect();
      await reader.subscribe({ topic: dlq, fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void read.set(message.offset, message) });
    });

    afterAll(async () => {
      await reader.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    });

    function consumed(value: Buffer, headers: ConsumedRecord['headers'] = {}): ConsumedRecord {
      offset += 1;
      return {
        topic: 'account-updated',
        partition: 0,
        offset: String(offset),
        timestamp: '1700000000000',
        key: Buffer.from('ws-1:acc-1'),
        value,
        headers: { ce_type: Buffer.from('account.updated.v1'), ...headers },
      };
    }

    async function publishAndRead(
      record: ConsumedRecord,
      mayContainPlaintextSecrets: boolean,
    ): Promise<KafkaMessage> {
      const delivered = await publisher.publish(record, failure, {
        attempts: 1,
        workspaceId: 'ws-1',
        mayContainPlaintextSecrets,
      });
      return waitFor(() => read.get(delivered.offset), {
        timeoutMs: 20_000,
        description: `dead letter at ${delivered.offset}`,
      });
    }

    /** The full dead letter the publisher builds (same headers as for any value of that kind). */
    async function fullForm(mayContainPlaintextSecrets: boolean): Promise<OutgoingRecord> {
      await publishAndRead(consumed(Buffer.from('x')), mayContainPlaintextSecrets);
      return producer.last as OutgoingRecord;
    }

    /** Largest value whose dead letter, sent unencrypted, still fits. */
    async function plainThreshold(): Promise<number> {
      const form = await fullForm(false);
      return largest((n) => recordBatchBytes([{ ...form, value: Buffer.alloc(n) }]) <= limitBytes);
    }

    /** Largest value whose dead letter, encrypted, still fits. */
    async function encryptedThreshold(): Promise<number> {
      const form = await fullForm(true);
      return largest(async (n) => {
        const jwe = await cipher.encrypt(Buffer.alloc(n), DEAD_LETTER_CIPHER_CONTEXT);
        return recordBatchBytes([{ ...form, value: jwe }]) <= limitBytes;
      });
    }

    it('reads the limit the topic inherits from the broker', () => {
      expect(limitBytes).toBe(1_048_588);
    });

    it.each([
      ['threshold - 1', 'original', -1],
      ['threshold', 'original', 0],
      ['threshold + 1', 'omitted', 1],
    ])('a value of %s bytes is published as %s', async (_name, encoding, delta) => {
      const value = Buffer.alloc((await plainThreshold()) + delta, 0x61);
      const message = await publishAndRead(consumed(value), false);
      expect(header(message, 'vb-dlq-value-encoding')).toBe(encoding);
      if (encoding === 'original') expect(message.value).toEqual(value);
      else expect(JSON.parse(String(message.value))).toMatchObject({ originalValueBytes: value.length });
    });

    it('encrypted values: the largest that fits is forwarded as JWE, one byte more becomes a reference', async () => {
      const threshold = await encryptedThreshold();

      const fitting = Buffer.alloc(threshold, 0x62);
      const forwarded = await publishAndRead(consumed(fitting), true);
      expect(header(forwarded, 'vb-dlq-value-encoding')).toBe('jwe');
      expect(Buffer.from(await cipher.decrypt(String(forwarded.value), DEAD_LETTER_CIPHER_CONTEXT))).toEqual(
        fitting,
      );

      const referenced = await publishAndRead(consumed(Buffer.alloc(threshold + 1, 0x62)), true);
      expect(header(referenced, 'vb-dlq-value-encoding')).toBe('omitted');
    });

    it('a non-JSON record of exactly 768 KiB is published as a reference with every header', async () => {
      const record = consumed(Buffer.alloc(768 * 1024, 0x7b));
      const message = await publishAndRead(record, true);
      expect(message.key?.toString()).toBe('ws-1:acc-1');
      expect(header(message, 'ce_type')).toBe('account.updated.v1');
      expect(header(message, 'vb-dlq-value-encoding')).toBe('omitted');
      expect(header(message, 'vb-dlq-original-omitted')).toBe('too-large');
      expect(header(message, 'vb-dlq-original-value-bytes')).toBe('786432');
      expect(header(message, 'vb-dlq-original-topic')).toBe('account-updated');
      expect(header(message, 'vb-dlq-original-offset')).toBe(record.offset);
      expect(header(message, 'vb-dlq-error-code')).toBe('EVENT_NOT_JSON');
      expect(header(message, 'vb-dlq-workspace-id')).toBe('ws-1');
      expect(JSON.parse(String(message.value))).toMatchObject({
        sealedIn: 'backup_failure',
        source: { topic: 'account-updated', partition: 0, offset: record.offset },
      });
    });

    it('large headers: kept when only the value must go; the largest left out when they alone do not fit', async () => {
      const bulky = await publishAndRead(
        consumed(Buffer.alloc(600_000), { trace: Buffer.alloc(600_000, 0x74) }),
        false,
      );
      expect(header(bulky, 'vb-dlq-omitted-parts')).toBe('value');
      expect(bulky.headers?.trace).toEqual(Buffer.alloc(600_000, 0x74));

      const huge = await publishAndRead(
        consumed(Buffer.from('x'), { trace: Buffer.alloc(limitBytes) }),
        false,
      );
      expect(header(huge, 'vb-dlq-omitted-parts')).toBe('value,headers');
      expect(huge.headers?.trace).toBeUndefined();
      expect(huge.key?.toString()).toBe('ws-1:acc-1');
      expect(header(huge, 'ce_type')).toBe('account.updated.v1');
      expect(header(huge, 'vb-dlq-error-class')).toBe('invalid-event');
    });
  },
);
