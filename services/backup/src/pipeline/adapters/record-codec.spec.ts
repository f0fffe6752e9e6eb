import { deserializeRecord, serializeRecord } from './record-codec';

describe('record codec', () => {
  it('round-trips a record byte for byte, including binary values and repeated headers', () => {
    const record = {
      topic: 'account-updated',
      partition: 3,
      offset: '9007199254740993',
      timestamp: '1700000000000',
      key: Buffer.from('ws-1:acc-1'),
      value: Buffer.from([0, 255, 1, 2, 0x7b]),
      headers: {
        ce_id: Buffer.from('e-1'),
        multi: [Buffer.from('a'), Buffer.from('b')],
        textual: 'plain',
        absent: undefined,
      },
    };
    const copy = deserializeRecord(serializeRecord(record));
    expect(copy.offset).toBe('9007199254740993');
    expect(copy.key?.equals(record.key)).toBe(true);
    expect(copy.value?.equals(record.value)).toBe(true);
    expect(copy.headers.ce_id?.toString()).toBe('e-1');
    expect((copy.headers.multi as Buffer[]).map((item) => item.toString())).toEqual(['a', 'b']);
    expect(copy.headers.textual?.toString()).toBe('plain');
    expect(copy.headers).not.toHaveProperty('absent');
  });

  it('keeps null keys and values as null', () => {
    const copy = deserializeRecord(
      serializeRecord({
        topic: 't',
        partition: 0,
        offset: '1',
        timestamp: '0',
        key: null,
        value: null,
        headers: {},
      }),
    );
    expect(copy.key).toBeNull();
    expect(copy.value).toBeNull();
  });
});
