import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type BackupFailureStatus = 'open' | 'replayed' | 'resolved';

/**
 * A record the pipeline could not back up (written by the pipeline, read and replayed by the admin
 * API). `recordCiphertext` is the sealed original Kafka record; it never leaves the process.
 */
@Entity({ name: 'backup_failure' })
export class BackupFailureEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'varchar', length: 64, nullable: true })
  workspaceId!: string | null;

  @Column({ name: 'account_id', type: 'varchar', length: 64, nullable: true })
  accountId!: string | null;

  /** bigint: a decimal string. */
  @Column({ type: 'bigint', nullable: true })
  version!: string | null;

  @Column({ name: 'event_id', type: 'text', nullable: true })
  eventId!: string | null;

  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'source_partition', type: 'integer' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'bigint' })
  sourceOffset!: string;

  @Column({ name: 'error_class', type: 'text' })
  errorClass!: string;

  @Column({ name: 'error_code', type: 'text' })
  errorCode!: string;

  @Column({ name: 'error_message', type: 'text' })
  errorMessage!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'record_ciphertext', type: 'text' })
  recordCiphertext!: string;

  @Column({ name: 'dlq_topic', type: 'text' })
  dlqTopic!: string;

  @Column({ name: 'dlq_partition', type: 'integer', nullable: true })
  dlqPartition!: number | null;

  @Column({ name: 'dlq_offset', type: 'bigint', nullable: true })
  dlqOffset!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: BackupFailureStatus;

  @Column({ name: 'replayed_at', type: 'timestamptz', nullable: true })
  replayedAt!: Date | null;

  @Column({ name: 'replayed_by', type: 'text', nullable: true })
  replayedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
