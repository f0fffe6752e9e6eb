import { type RecordBatch } from '../kafka.types';
import { commitAgeSeconds, lagSeconds, type PartitionProgress, stalledForMs } from './partition-progress';
import { PartitionProgressTracker } from './partition-progress.tracker';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const TOPIC = 'account-created';

function batch(
  partition: number,
  highWatermark: number,
  records: [offset: number, timestamp: number][],
): RecordBatch {
  return {
    topic: TOPIC,
    partition,
    highWatermark: String(highWatermark),
    records: records.map(([offset, timestamp]) => ({
      topic: TOPIC,
      partition,
      offset: String(offset),
      timestamp: String(timestamp),
      key: null,
      value: null,
      headers: {},
    })),
  };
}

function setup(partitions: number[] = [0]) {
  let now = T0;
  const tracker = new PartitionProgressTracker(() => now);
  tracker.assign([{ topic: TOPIC, partitions }]);
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const only = (pausedNow: { topic: string; partitions: number[] }[] = []): PartitionProgress => {
    const [first] = tracker.snapshot(pausedNow);
    if (!first) throw new Error('no partition in the snapshot');
    return first;
  };
  return { tracker, clock, only };
}

describe('PartitionProgressTracker', () => {
  it('knows nothing but the assignment before the first fetch, and reports no lag for it', () => {
    const { only } = setup();
    expect(only()).toEqual({
      topic: TOPIC,
      partition: 0,
      observedAt: T0,
      assignedAt: T0,
      committedOffset: undefined,
      committedAt: undefined,
      highWatermark: undefined,
      highWatermarkAt: undefined,
      oldestUncommitted: undefined,
      lagRecords: 0,
      paused: false,
      waitingSince: undefined,
    });
  });

  it('tracks the oldest fetched record until it is committed, then the commit and its time', () => {
    const { tracker, clock, only } = setup();
    clock.advance(1_000);
    tracker.fetched(
      batch(0, 13, [
        [10, T0 - 5_000],
        [11, T0 - 4_000],
        [12, T0 - 3_000],
      ]),
    );
    expect(only()).toMatchObject({
      highWatermark: '13',
      highWatermarkAt: T0 + 1_000,
      oldestUncommitted: { offset: '10', timestamp: T0 - 5_000 },
      lagRecords: 3,
      committedOffset: undefined,
      waitingSince: T0 + 1_000,
    });

    clock.advance(2_000);
    tracker.committed(TOPIC, 0, '13');
    expect(only()).toMatchObject({
      committedOffset: '13',
      committedAt: T0 + 3_000,
      oldestUncommitted: undefined,
      lagRecords: 0,
      waitingSince: undefined,
    });
  });

  it('after a partial commit, the next record of the batch is the oldest unprocessed one', () => {
    const { tracker, only } = setup();
    tracker.fetched(
      batch(0, 3, [
        [0, T0 - 30_000],
        [1, T0 - 20_000],
        [2, T0 - 10_000],
      ]),
    );
    tracker.committed(TOPIC, 0, '2');
    expect(only()).toMatchObject({
      oldestUncommitted: { offset: '2', timestamp: T0 - 10_000 },
      lagRecords: 1,
    });
  });

  it('uses the fetch time for a record whose timestamp is unusable', () => {
    const { tracker, clock, only } = setup();
    clock.advance(500);
    tracker.fetched(batch(0, 1, [[0, -1]]));
    expect(only().oldestUncommitted).toEqual({ offset: '0', timestamp: T0 + 500 });
  });

  it('counts an unfetched backlog as high watermark minus the committed offset', () => {
    const { tracker, clock, only } = setup();
    tracker.fetched(
      batch(0, 500, [
        [100, T0 - 1_000],
        [101, T0 - 900],
      ]),
    );
    clock.advance(1_000);
    tracker.committed(TOPIC, 0, '102');
    // Paused (backpressure) before the next fetch: the 398 records after the commit sit unfetched.
    expect(only([{ topic: TOPIC, partitions: [0] }])).toMatchObject({
      committedOffset: '102',
      lagRecords: 398,
      oldestUncommitted: undefined,
      paused: true,
    });
  });

  it('drops revoked partitions, keeps the history of kept ones and starts new ones fresh', () => {
    const { tracker, clock } = setup([0, 1]);
    tracker.fetched(batch(0, 10, [[9, T0]]));
    tracker.committed(TOPIC, 0, '10');
    tracker.fetched(batch(1, 5, [[4, T0]]));
    clock.advance(60_000);
    tracker.assign([
      { topic: TOPIC, partitions: [0, 2] },
      { topic: 'account-updated', partitions: [1] },
    ]);
    const snapshot = tracker.snapshot([]);
    expect(snapshot.map((p) => `${p.topic}/${p.partition}`)).toEqual([
      'account-created/0',
      'account-created/2',
      'account-updated/1',
    ]);
    expect(snapshot[0]).toMatchObject({ assignedAt: T0, committedOffset: '10', highWatermark: '10' });
    expect(snapshot[1]).toMatchObject({ assignedAt: T0 + 60_000, committedOffset: undefined, lagRecords: 0 });
  });

  it('ignores fetches and commits of partitions it does not hold (a late batch after a revoke)', () => {
    const { tracker, only } = setup([0]);
    tracker.fetched(batch(7, 10, [[0, T0]]));
    tracker.committed(TOPIC, 7, '10');
    expect(tracker.snapshot([])).toHaveLength(1);
    expect(only().lagRecords).toBe(0);
  });

  it('does not count offsets that held only control records as lag', () => {
    const { tracker, only } = setup();
    tracker.fetched(batch(0, 6, [[4, T0]]));
    tracker.committed(TOPIC, 0, '5');
    expect(only().lagRecords).toBe(1);
    tracker.skipped(TOPIC, 0, '5', '6');
    expect(only()).toMatchObject({ lagRecords: 0, waitingSince: undefined });
  });

  describe('waitingSince: since when a partition with work has not committed', () => {
    it('starts when new records arrive after a long idle time, not at the old commit', () => {
      const { tracker, clock, only } = setup();
      tracker.fetched(batch(0, 1, [[0, T0]]));
      tracker.committed(TOPIC, 0, '1');
      clock.advance(3_600_000);
      tracker.fetched(batch(0, 2, [[1, T0 + 3_600_000]]));
      expect(only().waitingSince).toBe(T0 + 3_600_000);
    });

    it('restarts at each commit while the partition stays behind (slow but moving)', () => {
      const { tracker, clock, only } = setup();
      tracker.fetched(batch(0, 100, [[0, T0]]));
      clock.advance(90_000);
      tracker.committed(TOPIC, 0, '1');
      expect(only()).toMatchObject({ lagRecords: 99, waitingSince: T0 + 90_000 });
    });

    it('stays put while the same uncommitted batch is fetched again', () => {
      const { tracker, clock, only } = setup();
      tracker.fetched(
        batch(0, 2, [
          [0, T0],
          [1, T0],
        ]),
      );
      clock.advance(30_000);
      tracker.fetched(
        batch(0, 2, [
          [0, T0],
          [1, T0],
        ]),
      );
      expect(only()).toMatchObject({ waitingSince: T0, highWatermarkAt: T0 + 30_000 });
    });

    it('counts a pause from when this member paused, and a repeated pause does not restart it', () => {
      const { tracker, clock, only } = setup();
      const p0 = [{ topic: TOPIC, partitions: [0] }];
      clock.advance(1_000);
      tracker.paused(p0, []);
      clock.advance(1_000);
      tracker.paused(p0, p0);
      expect(only(p0)).toMatchObject({ paused: true, waitingSince: T0 + 1_000, lagRecords: 0 });
    });

    it('believes the client: a pause it dropped is no pause, and pausing again restarts the clock', () => {
      const { tracker, clock, only } = setup();
      const p0 = [{ topic: TOPIC, partitions: [0] }];
      tracker.paused(p0, []);
      expect(only([])).toMatchObject({ paused: false, waitingSince: undefined });
      clock.advance(5_000);
      tracker.paused(p0, []);
      expect(only(p0).waitingSince).toBe(T0 + 5_000);
    });

    it('counts a partition paused before it was assigned here as paused since the assignment', () => {
      const { only } = setup();
      expect(only([{ topic: TOPIC, partitions: [0] }])).toMatchObject({ paused: true, waitingSince: T0 });
    });
  });
});

describe('derived ages', () => {
  function progress(overrides: Partial<PartitionProgress>): PartitionProgress {
    return {
      topic: TOPIC,
      partition: 0,
      observedAt: T0,
      assignedAt: T0 - 600_000,
      committedOffset: undefined,
      committedAt: undefined,
      highWatermark: undefined,
      highWatermarkAt: undefined,
      oldestUncommitted: undefined,
      lagRecords: 0,
      paused: false,
      waitingSince: undefined,
      ...overrides,
    };
  }

  it('lag seconds is the age of the oldest unprocessed record by its Kafka timestamp', () => {
    expect(
      lagSeconds(progress({ lagRecords: 3, oldestUncommitted: { offset: '7', timestamp: T0 - 42_500 } })),
    ).toBe(42.5);
  });

  it('lag seconds of an unfetched backlog is at least the time since its high watermark was seen', () => {
    expect(lagSeconds(progress({ lagRecords: 10, highWatermark: '20', highWatermarkAt: T0 - 90_000 }))).toBe(
      90,
    );
  });

  it('lag seconds is 0 when caught up, however old the last fetch', () => {
    expect(lagSeconds(progress({ highWatermark: '20', highWatermarkAt: T0 - 90_000 }))).toBe(0);
  });

  it('commit age counts from the last commit, or from the assignment before any', () => {
    expect(commitAgeSeconds(progress({ committedAt: T0 - 15_000 }))).toBe(15);
    expect(commitAgeSeconds(progress({}))).toBe(600);
  });

  it('stalled time is 0 without work, else the time since waitingSince', () => {
    expect(stalledForMs(progress({}))).toBe(0);
    expect(stalledForMs(progress({ waitingSince: T0 - 121_000 }))).toBe(121_000);
  });
});
