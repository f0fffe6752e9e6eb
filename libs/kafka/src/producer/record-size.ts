import { type OutgoingRecord } from '../kafka.types';

/**
 * Bytes of a v2 record batch around its records: base offset 8, length 4, leader epoch 4, magic 1,
 * CRC 4, attributes 2, last offset delta 4, first and max timestamp 8 + 8, producer id 8, producer
 * epoch 2, base sequence 4, record count 4. The broker compares this whole batch (uncompressed, as
 * this producer sends it) with the topic's `max.message.bytes`.
 */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

/**
 * Exact size on the wire of `records` sent as one uncompressed record batch, as kafkajs encodes it:
 * each record is length, attributes, timestamp delta (0: we never set timestamps), offset delta,
 * key, value and headers, with zig-zag varint lengths; strings count as UTF-8.
 */
export function recordBatchBytes(records: readonly OutgoingRecord[]): number {
  let total = RECORD_BATCH_OVERHEAD_BYTES;
  records.forEach((record, offsetDelta) => {
    total += recordBytes(record, offsetDelta);
  });
  return total;
}

/**
 * Splits `records`, keeping their order, into consecutive groups that each fit in one batch of at
 * most `limitBytes`. Callers check single records first: one that cannot fit alone gets a group of its own.
 */
export function chunkToFit(records: readonly OutgoingRecord[], limitBytes: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let size = RECORD_BATCH_OVERHEAD_BYTES;
  for (const record of records) {
    const added = recordBytes(record, current.length);
    if (current.length > 0 && size + added > limitBytes) {
      chunks.push(current);
      current = [];
      size = RECORD_BATCH_OVERHEAD_BYTES + recordBytes(record, 0);
    } else {
      size += added;
    }
    current.push(record);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function recordBytes(record: OutgoingRecord, offsetDelta: number): number {
  const body =
    1 + // attributes
    varintBytes(0) + // timestamp delta
    varintBytes(offsetDelta) +
    nullableBytes(record.key) +
    nullableBytes(record.value) +
    headersBytes(record.headers ?? {});
  return varintBytes(body) + body;
}

function headersBytes(headers: NonNullable<OutgoingRecord['headers']>): number {
  let count = 0;
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      count += 1;
      size += nullableBytes(name) + nullableBytes(item);
    }
  }
  return varintBytes(count) + size;
}

function nullableBytes(value: Buffer | string | null): number {
  if (value === null) return varintBytes(-1);
  const length = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  return varintBytes(length) + length;
}

/** Size of a zig-zag encoded varint, as Kafka writes record fields. */
function varintBytes(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes += 1;
  }
  return bytes;
}
