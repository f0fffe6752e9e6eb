import { type ConsumedRecord, type HeaderValue } from '@vault-backup/kafka';

type SerializedHeader = string | string[];

interface SerializedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, SerializedHeader>;
}

/** Byte-exact JSON form of a Kafka record (bytes as base64), for sealing and replay. */
export function serializeRecord(record: ConsumedRecord): string {
  const serialized: SerializedRecord = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key ? record.key.toString('base64') : null,
    value: record.value ? record.value.toString('base64') : null,
    headers: Object.fromEntries(
      Object.entries(record.headers).flatMap(([name, value]) => {
        const encoded = encodeHeader(value);
        return encoded === undefined ? [] : [[name, encoded]];
      }),
    ),
  };
  return JSON.stringify(serialized);
}

export function deserializeRecord(text: string): ConsumedRecord {
  const parsed = JSON.parse(text) as SerializedRecord;
  return {
    topic: parsed.topic,
    partition: parsed.partition,
    offset: parsed.offset,
    timestamp: parsed.timestamp,
    key: parsed.key === null ? null : Buffer.from(parsed.key, 'base64'),
    value: parsed.value === null ? null : Buffer.from(parsed.value, 'base64'),
    headers: Object.fromEntries(
      Object.entries(parsed.headers).map(([name, value]) => [
        name,
        Array.isArray(value)
          ? value.map((item) => Buffer.from(item, 'base64'))
          : Buffer.from(value, 'base64'),
      ]),
    ),
  };
}

function encodeHeader(value: HeaderValue): SerializedHeader | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item) => Buffer.from(item).toString('base64'));
  return Buffer.from(value).toString('base64');
}
