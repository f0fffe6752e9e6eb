import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The backup pipeline's durable state. Nothing here ever holds a secret in plaintext: client
 * secrets and parked or failed records are stored as ciphertext (JWE), and change detection uses
 * keyed fingerprints, never values.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  readonly name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE backup_configuration (
        workspace_id              varchar(64) PRIMARY KEY,
        status                    varchar(16) NOT NULL,
        identity_url              text,
        privilege_cloud_url       text,
        client_id                 text,
        client_secret_ciphertext  text,
        safe_name                 text,
        platform_id               text,
        allow_plaintext_secrets   boolean NOT NULL DEFAULT false,
        metadata_only             boolean NOT NULL DEFAULT false,
        retry_budget_seconds      integer NOT NULL DEFAULT 86400 CHECK (retry_budget_seconds > 0),
        validation_report         jsonb,
        connected_at              timestamptz,
        validated_at              timestamptz,
        enabled_at                timestamptz,
        revision                  integer NOT NULL DEFAULT 1,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT backup_configuration_status_check
          CHECK (status IN ('draft', 'connected', 'validated', 'enabled', 'disabled'))
      )`);
    await queryRunner.query(`
      CREATE TABLE account_backup_state (
        workspace_id         varchar(64) NOT NULL,
        account_id           varchar(64) NOT NULL,
        applied_version      bigint NOT NULL CHECK (applied_version >= 1),
        cyberark_account_id  text,
        cyberark_name        text NOT NULL,
        fingerprint          jsonb NOT NULL,
        last_event_id        text NOT NULL,
        updated_at           timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, account_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE pending_backup (
        workspace_id        varchar(64) NOT NULL,
        account_id          varchar(64) NOT NULL,
        version             bigint NOT NULL,
        source_topic        text NOT NULL,
        source_partition    integer NOT NULL,
        source_offset       bigint NOT NULL,
        record_ciphertext   text NOT NULL,
        attempts            integer NOT NULL DEFAULT 0,
        first_failed_at     timestamptz NOT NULL,
        next_attempt_at     timestamptz NOT NULL,
        last_error_class    text NOT NULL,
        last_error_code     text,
        last_error_message  text NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, account_id)
      )`);
    await queryRunner.query(`CREATE INDEX pending_backup_due_idx ON pending_backup (next_attempt_at)`);
    await queryRunner.query(`
      CREATE TABLE backup_failure (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id        varchar(64),
        account_id          varchar(64),
        version             bigint,
        event_id            text,
        source_topic        text NOT NULL,
        source_partition    integer NOT NULL,
        source_offset       bigint NOT NULL,
        error_class         text NOT NULL,
        error_code          text NOT NULL,
        error_message       text NOT NULL,
        attempts            integer NOT NULL,
        record_ciphertext   text NOT NULL,
        dlq_topic           text NOT NULL,
        dlq_partition       integer,
        dlq_offset          bigint,
        status              varchar(16) NOT NULL DEFAULT 'open',
        replayed_at         timestamptz,
        replayed_by         text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT backup_failure_status_check CHECK (status IN ('open', 'replayed', 'resolved')),
        CONSTRAINT backup_failure_source_unique UNIQUE (source_topic, source_partition, source_offset)
      )`);
    await queryRunner.query(
      `CREATE INDEX backup_failure_workspace_idx ON backup_failure (workspace_id, status, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE skipped_event_stats (
        workspace_id     varchar(64) PRIMARY KEY,
        skipped_count    bigint NOT NULL,
        last_skipped_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'skipped_event_stats',
      'backup_failure',
      'pending_backup',
      'account_backup_state',
      'backup_configuration',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
