import { type MigrationInterface, type QueryRunner } from 'typeorm';

const PREVIOUS_ACTIONS = `'created', 'changed', 'connected', 'connection-failed', 'validated', 'validation-failed',
          'enabled', 'disabled', 'deleted', 'replayed', 'key-connected', 'key-validated', 'key-validation-failed',
          'key-rotated', 'key-removed'`;
const REPLAY_JOB_ACTIONS = `'replay-job-planned', 'replay-job-created', 'replay-job-cancelled', 'replay-job-resumed',
          'replay-job-finished'`;

/**
 * Replay jobs: a tracked re-production of failed records. The items are fixed when the job is created
 * (one per account: the failure holding its newest version), so progress has a fixed total. An item
 * names its failure record, or, for a dead-letter replay, carries the dead letter's original record
 * sealed like a failure's. `scope` is the workspace id, or `~dead-letters` for a dead-letter job that
 * names no workspace: the partial unique index allows one running job per scope.
 */
export class ReplayJob1764400000000 implements MigrationInterface {
  readonly name = 'ReplayJob1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE replay_job (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind             varchar(16) NOT NULL CHECK (kind IN ('failures', 'dead-letter')),
        scope            varchar(64) NOT NULL,
        workspace_id     varchar(64),
        status           varchar(16) NOT NULL CHECK (status IN ('running', 'cancelled', 'completed')),
        selection        jsonb NOT NULL,
        rate_per_second  integer NOT NULL CHECK (rate_per_second > 0),
        total            integer NOT NULL CHECK (total >= 0),
        created_by       varchar(256) NOT NULL,
        created_by_role  varchar(32) NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at      timestamptz,
        cancelled_at     timestamptz,
        cancelled_by     varchar(256),
        lease_owner      text,
        lease_until      timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX replay_job_one_running_idx ON replay_job (scope) WHERE status = 'running'`,
    );
    await queryRunner.query(`CREATE INDEX replay_job_scope_idx ON replay_job (scope, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE replay_job_item (
        job_id             uuid NOT NULL REFERENCES replay_job (id) ON DELETE CASCADE,
        seq                integer NOT NULL,
        failure_id         uuid,
        workspace_id       varchar(64),
        account_id         varchar(64),
        version            bigint,
        error_class        text,
        error_code         text,
        record_ciphertext  text,
        record_workspace   varchar(64),
        source_label       text,
        state              varchar(16) NOT NULL DEFAULT 'to-do'
                           CHECK (state IN ('to-do', 'replayed', 'skipped', 'failed')),
        reason             varchar(32),
        delivered_topic    text,
        delivered_partition integer,
        delivered_offset   bigint,
        handled_at         timestamptz,
        PRIMARY KEY (job_id, seq),
        CHECK (failure_id IS NOT NULL OR record_ciphertext IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX replay_job_item_to_do_idx ON replay_job_item (job_id, seq) WHERE state = 'to-do'`,
    );
    await queryRunner.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check`);
    await queryRunner.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
        CHECK (action IN (${PREVIOUS_ACTIONS}, ${REPLAY_JOB_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS replay_job_item`);
    await queryRunner.query(`DROP TABLE IF EXISTS replay_job`);
    await queryRunner.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check`);
    await queryRunner.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (${PREVIOUS_ACTIONS}))`);
  }
}
