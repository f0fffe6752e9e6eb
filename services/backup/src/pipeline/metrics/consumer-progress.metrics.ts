import { Gauge, type Registry } from 'prom-client';
import { commitAgeSeconds, lagSeconds, type PartitionProgress } from '@vault-backup/kafka';
import { METRIC_PREFIX } from '@vault-backup/observability';

export type ProgressSource = () => readonly PartitionProgress[];

type PartitionLabel = 'topic' | 'partition';

interface PartitionGauge {
  readonly name: string;
  readonly help: string;
  readonly value: (progress: PartitionProgress) => number;
}

const PARTITION_GAUGES: readonly PartitionGauge[] = [
  {
    name: 'consumer_lag_records',
    help: 'Records between the committed position and the partition end, for partitions assigned to this replica.',
    value: (progress) => progress.lagRecords,
  },
  {
    name: 'consumer_lag_seconds',
    help: 'Age of the oldest record not yet committed (Kafka timestamp), 0 when caught up; a lower bound while the backlog is unfetched.',
    value: lagSeconds,
  },
  {
    name: 'consumer_last_commit_age_seconds',
    help: 'Seconds since this replica last committed the partition (since it got the partition, before its first commit).',
    value: commitAgeSeconds,
  },
  {
    name: 'consumer_partition_paused',
    help: '1 while fetching from the partition is paused.',
    value: (progress) => (progress.paused ? 1 : 0),
  },
];

/**
 * Per-partition consumer gauges computed at scrape time from the consumer's own progress snapshot,
 * so they stay true when no batch completes (a stuck handler, every partition paused). Each scrape
 * starts from empty series, so a revoked partition's series vanish with it. Nothing else sets them.
 */
export class ConsumerProgressMetrics {
  private source: ProgressSource = () => [];

  constructor(registry: Registry) {
    for (const gauge of PARTITION_GAUGES) this.register(registry, gauge);
  }

  /** Where the gauges read from; until called they export no series. */
  observe(source: ProgressSource): void {
    this.source = source;
  }

  private register(registry: Registry, { name, help, value }: PartitionGauge): void {
    const read = (): readonly PartitionProgress[] => this.source();
    new Gauge<PartitionLabel>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: ['topic', 'partition'],
      registers: [registry],
      collect(this: Gauge<PartitionLabel>) {
        this.reset();
        for (const progress of read())
          this.set({ topic: progress.topic, partition: String(progress.partition) }, value(progress));
      },
    });
  }
}
