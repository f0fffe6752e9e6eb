import { type KafkaAdmin, type PartitionLag } from '@vault-backup/kafka';
import { type BackupConfig } from '../../config/backup.config';
import { ConsumerProgress } from './consumer-progress';

function progress(lags: PartitionLag[]) {
  const asked: { groupId: string; topics: readonly string[] }[] = [];
  const admin = {
    groupLag: (groupId: string, topics: readonly string[]) => {
      asked.push({ groupId, topics });
      return Promise.resolve(lags);
    },
  } as unknown as KafkaAdmin;
  const config = { kafka: { groupId: 'vault-backup' } } as unknown as BackupConfig;
  return { subject: new ConsumerProgress(admin, config), asked };
}

const lag = (topic: string, partition: number, committedOffset: string): PartitionLag => ({
  topic,
  partition,
  committedOffset,
  highWatermark: '100',
  lag: 0,
});

describe('ConsumerProgress', () => {
  it('counts a delivered record as processed only once the group committed past it, on its own partition', async () => {
    const { subject, asked } = progress([lag('t', 0, '10'), lag('t', 1, '-1')]);
    const processed = await subject.processed([
      { seq: 1, topic: 't', partition: 0, offset: '9' },
      { seq: 2, topic: 't', partition: 0, offset: '10' },
      { seq: 3, topic: 't', partition: 1, offset: '0' },
      { seq: 4, topic: 'other', partition: 0, offset: '0' },
    ]);
    expect([...processed]).toEqual([1]);
    expect(asked).toEqual([{ groupId: 'vault-backup', topics: ['t', 'other'] }]);
  });

  it('asks nothing for nothing', async () => {
    const { subject, asked } = progress([]);
    expect(await subject.processed([])).toEqual(new Set());
    expect(asked).toEqual([]);
  });
});
