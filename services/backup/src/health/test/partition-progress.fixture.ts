import { type PartitionProgress } from '@vault-backup/kafka';

/** A caught-up, running partition observed at `observedAt`; override what the test is about. */
export function partitionProgress(
  observedAt: number,
  overrides: Partial<PartitionProgress> = {},
): PartitionProgress {
  return {
    topic: 'account-created',
    partition: 0,
    observedAt,
    assignedAt: observedAt - 3_600_000,
    committedOffset: '100',
    committedAt: observedAt - 1_800_000,
    highWatermark: '100',
    highWatermarkAt: observedAt - 1_800_000,
    oldestUncommitted: undefined,
    lagRecords: 0,
    paused: false,
    waitingSince: undefined,
    ...overrides,
  };
}
