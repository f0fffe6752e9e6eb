import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Data keys of the envelope cipher, wrapped: every token we store or forward names one (`kid:
 * dk.<id>`). A data key is derived from a service share, wrapped by the service key, and — for a
 * workspace with its own key — a workspace share wrapped by that key; neither share nor the key is
 * ever stored in plaintext. `service_wrapped` holds 64 bytes (service share || workspace share) once
 * a workspace's shares were dropped (key integration removed). `key_check` (16 bytes of HMAC under the
 * derived key) tells whether unwrapped material is right. Re-wrapping changes the wrapped columns under
 * a `revision` guard; rows are never deleted, since tokens may live in Kafka for any time.
 */
export class DataKey1764100000000 implements MigrationInterface {
  readonly name = 'DataKey1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE data_key (
        id                 uuid PRIMARY KEY,
        scope              text NOT NULL,
        service_kid        text NOT NULL,
        service_wrapped    bytea NOT NULL,
        workspace_kid      text,
        workspace_wrapped  bytea,
        key_check          bytea NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        rewrapped_at       timestamptz,
        revision           integer NOT NULL DEFAULT 1,
        CONSTRAINT data_key_scope_check
          CHECK (scope = 'service' OR scope ~ '^workspace:[A-Za-z0-9._-]{1,64}$'),
        CONSTRAINT data_key_workspace_share_check
          CHECK ((workspace_kid IS NULL) = (workspace_wrapped IS NULL)
                 AND (workspace_kid IS NULL OR scope <> 'service'))
      )`);
    // Re-wraps page through one scope in id order.
    await queryRunner.query(`CREATE INDEX data_key_scope_idx ON data_key (scope, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS data_key`);
  }
}
