import { type ConsumedRecord } from '@vault-backup/kafka';
import { REPLAY_HEADER, toReplayRecord } from './replay-record';

const record: ConsumedRecord = {
  topic: 'account-updated',
  partition: 2,
  offset: '41',
  timestamp: '1700000000000',
  key: Buffer.from('acc-1'),
  value: Buffer.from([0, 1, 2, 255]),
  headers: {
    ce_type: Buffer.from('account.updated.v1'),
    multi: [Buffer.from('a'), Buffer.from('b')],
    gone: undefined,
    [REPLAY_HEADER]: Buffer.from('older-failure'),
  },
};

describe('toReplayRecord', () => {
  it('keeps key, value and headers byte for byte and marks the replay', () => {
    const replay = toReplayRecord(record, 'f-123');
    expect(replay.key).toEqual(Buffer.from('acc-1'));
    expect(replay.value).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(replay.headers).toEqual({
      ce_type: Buffer.from('account.updated.v1'),
      multi: [Buffer.from('a'), Buffer.from('b')],
      [REPLAY_HEADER]: 'f-123',
    });
  });

  it('lets the key choose the partition, as for the original', () => {
    expect(toReplayRecord(record, 'f-1').partition).toBeUndefined();
  });

  it('keeps a tombstone a tombstone', () => {
    expect(toReplayRecord({ ...record, value: null, key: null }, 'f-2')).toMatchObject({
      key: null,
      value: null,
    });
  });
});
