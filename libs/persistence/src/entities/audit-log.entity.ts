import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_ACTIONS = [
  'created',
  'changed',
  'connected',
  'connection-failed',
  'validated',
  'validation-failed',
  'enabled',
  'disabled',
  'deleted',
  'replayed',
  'key-connected',
  'key-validated',
  'key-validation-failed',
  'key-rotated',
  'key-removed',
  'replay-job-planned',
  'replay-job-created',
  'replay-job-cancelled',
  'replay-job-resumed',
  'replay-job-finished',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One append-only audit entry (the table refuses updates and deletes). Persistence shape only. */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  /** bigint: kept as a decimal string end to end. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'varchar', length: 64 })
  workspaceId!: string;

  @Column({ name: 'actor_sub', type: 'varchar', length: 256 })
  actorSub!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: AuditAction;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  details!: Record<string, unknown>;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;
}
