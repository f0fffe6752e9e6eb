import { type OutgoingRecord } from '../kafka.types';
import { chunkToFit, RECORD_BATCH_OVERHEAD_BYTES, recordBatchBytes } from './record-size';

interface Encoded {
  size(): number;
}

// kafkajs' own encoders, exactly as its produce request (v3+) uses them: the reference for our arithmetic.
const { RecordBatch } = jest.requireActual<{
  RecordBatch: (batch: { records: Encoded[]; lastOffsetDelta: number }) => Promise<Encoded>;
}>('kafkajs/src/protocol/recordBatch/v0');
const Record = jest.requireActual<(record: object) => Encoded>('kafkajs/src/protocol/recordBatch/record/v0');

async function kafkajsBatchBytes(records: readonly OutgoingRecord[]): Promise<number> {
  const encoded = records.map((record, offsetDelta) =>
    Record({ offsetDelta, timestampDelta: 0, key: record.key, value: record.value, headers: record.headers }),
  );
  return (await RecordBatch({ records: encoded, lastOffsetDelta: records.length - 1 })).size();
}

const bytes = (length: number) => Buffer.alloc(length, 0x61);

describe('recordBatchBytes', () => {
  it.each<[string, OutgoingRecord]>([
    ['a tombstone without key', { key: null, value: null }],
    ['string key and value, multi-byte UTF-8', { key: 'ws-1:acc-ü', value: '{"name":"Zoë — ☃"}' }],
    ['headers, one repeated', { key: 'k', value: 'v', headers: { a: 'x', multi: ['1', Buffer.from('22')] } }],
    ['a value at the 1-byte varint edge', { key: null, value: bytes(63) }],
    ['a value just past it', { key: null, value: bytes(64) }],
    ['a value at the 2-byte varint edge', { key: 'k', value: bytes(8_191) }],
    ['a value just past it', { key: 'k', value: bytes(8_192) }],
    ['a value at the 3-byte varint edge', { key: 'k', value: bytes(1_048_575) }],
    ['a 1 MiB value', { key: 'k', value: bytes(1_048_576) }],
    ['a large header', { key: 'k', value: 'v', headers: { big: bytes(200_000) } }],
  ])('matches what kafkajs puts on the wire: %s', async (_name, record) => {
    expect(recordBatchBytes([record])).toBe(await kafkajsBatchBytes([record]));
  });

  it('matches kafkajs for a batch of many records (offset deltas beyond one varint byte)', async () => {
    const records = Array.from({ length: 150 }, (_, index) => ({
      key: `key-${index}`,
      value: bytes(index * 7),
      headers: { 'vb-replay-of': `failure-${index}` },
    }));
    expect(recordBatchBytes(records)).toBe(await kafkajsBatchBytes(records));
  });

  it('counts the batch header once', () => {
    expect(recordBatchBytes([])).toBe(RECORD_BATCH_OVERHEAD_BYTES);
  });
});

describe('chunkToFit', () => {
  const record = (length: number): OutgoingRecord => ({ key: null, value: bytes(length) });

  it('keeps everything in one request when it fits', () => {
    const records = [record(100), record(100)];
    expect(chunkToFit(records, recordBatchBytes(records))).toEqual([records]);
  });

  it('splits in order so that every request fits, filling each as far as it can', () => {
    const records = [record(400), record(400), record(400), record(10)];
    const limit = recordBatchBytes(records.slice(0, 2));
    const chunks = chunkToFit(records, limit);
    expect(chunks).toEqual([records.slice(0, 2), records.slice(2)]);
    for (const chunk of chunks) expect(recordBatchBytes(chunk)).toBeLessThanOrEqual(limit);
  });

  it('starts a new request one byte over the limit, not one byte under it', () => {
    const records = [record(400), record(400)];
    const exact = recordBatchBytes(records);
    expect(chunkToFit(records, exact)).toHaveLength(1);
    expect(chunkToFit(records, exact - 1)).toHaveLength(2);
  });

  it('gives a record that cannot fit at all a request of its own (the caller refuses it)', () => {
    const records = [record(10), record(5_000), record(10)];
    expect(chunkToFit(records, 1_000)).toEqual([[records[0]], [records[1]], [records[2]]]);
  });
});
