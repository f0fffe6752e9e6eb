import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who did what to a workspace's vault backup, and when. Append-only: a trigger refuses UPDATE,
 * DELETE and TRUNCATE, so an entry cannot be rewritten after the fact (a retention job would have
 * to be a migration-level decision). `details` holds field names and outcomes, never values of
 * secrets; the rows outlive the configuration they describe (a deletion is itself an entry).
 */
export class AuditLog1763900000000 implements MigrationInterface {
  readonly name = 'AuditLog1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id  varchar(64) NOT NULL,
        actor_sub     varchar(256) NOT NULL,
        actor_role    varchar(32) NOT NULL,
        action        varchar(32) NOT NULL,
        details       jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id    varchar(128),
        occurred_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT audit_log_action_check CHECK (action IN (
          'created', 'changed', 'connected', 'connection-failed', 'validated', 'validation-failed',
          'enabled', 'disabled', 'deleted', 'replayed'))
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, id DESC)`);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS audit_log`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
  }
}
