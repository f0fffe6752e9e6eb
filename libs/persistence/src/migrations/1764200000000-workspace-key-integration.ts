import { type MigrationInterface, type QueryRunner } from 'typeorm';

const PREVIOUS_ACTIONS = `'created', 'changed', 'connected', 'connection-failed', 'validated', 'validation-failed',
          'enabled', 'disabled', 'deleted', 'replayed'`;
const KEY_ACTIONS = `'key-connected', 'key-validated', 'key-validation-failed', 'key-rotated', 'key-removed'`;

/**
 * A workspace's own Azure Key Vault key (the customer-managed key): the service principal that may use
 * it, where it lives, and the key version and public key that passed the last validation. The client
 * secret is a DataCipher token of the service scope only: it is what reaches the workspace's key, so it
 * cannot itself be sealed under that key. A row exists only for an integration that passed validation
 * once; `last_check` holds the newest check, which may since have failed (access revoked).
 */
export class WorkspaceKeyIntegration1764200000000 implements MigrationInterface {
  readonly name = 'WorkspaceKeyIntegration1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workspace_key_integration (
        workspace_id             varchar(64) PRIMARY KEY,
        directory_tenant_id      varchar(64) NOT NULL,
        client_id                varchar(64) NOT NULL,
        client_secret_ciphertext text NOT NULL,
        vault_url                varchar(2048) NOT NULL,
        key_name                 varchar(127) NOT NULL,
        key_id                   varchar(2048) NOT NULL,
        public_key_jwk           jsonb NOT NULL,
        last_check               jsonb NOT NULL,
        validated_at             timestamptz NOT NULL,
        revision                 integer NOT NULL DEFAULT 1,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check`);
    await queryRunner.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
        CHECK (action IN (${PREVIOUS_ACTIONS}, ${KEY_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS workspace_key_integration`);
    await queryRunner.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check`);
    await queryRunner.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (${PREVIOUS_ACTIONS}))`);
  }
}
