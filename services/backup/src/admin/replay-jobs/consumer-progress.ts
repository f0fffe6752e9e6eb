import { Inject, Injectable } from '@nestjs/common';
import { type KafkaAdmin } from '@vault-backup/kafka';
import { BACKUP_CONFIG, type BackupConfig } from '../../config/backup.config';
import { KAFKA_ADMIN } from '../../kafka/kafka.tokens';
import { type DeliveredItem } from './replay-job.store';

/**
 * Whether the service's consumer group has processed a delivered record: its committed offset on the
 * record's partition is past it. Tells "processed without any trace" (the backup was off: the event
 * was only counted as skipped) from "not processed yet".
 */
@Injectable()
export class ConsumerProgress {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: KafkaAdmin,
    @Inject(BACKUP_CONFIG) private readonly config: BackupConfig,
  ) {}

  /** The items of `delivered` the consumer group has committed past. */
  async processed(delivered: readonly DeliveredItem[]): Promise<Set<number>> {
    if (delivered.length === 0) return new Set();
    const topics = [...new Set(delivered.map((item) => item.topic))];
    const committed = new Map(
      (await this.admin.groupLag(this.config.kafka.groupId, topics)).map((lag) => [
        `${lag.topic}/${lag.partition}`,
        BigInt(lag.committedOffset),
      ]),
    );
    return new Set(
      delivered
        .filter((item) => BigInt(item.offset) < (committed.get(`${item.topic}/${item.partition}`) ?? -1n))
        .map((item) => item.seq),
    );
  }
}
