import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The write fence: the highest version of each account whose CyberArk write was ever started, by
 * whom. A writer takes the fence at the moment it starts writing, and only while no newer version
 * was started or stored, so no path (batch, late write, parked retry, replay, adoption after a
 * 409) can write older content after newer content. `prior_*` keep what the fence said before the
 * last grant: a started version above the stored one means its outcome was never recorded, so what
 * CyberArk holds is uncertain and must be read back before diffing. `settle_until` holds the fence
 * shut after a write was abandoned without an answer (timeout, reset): CyberArk may still apply it,
 * so nothing newer is sent until then.
 */
export class AccountWriteFence1764000000000 implements MigrationInterface {
  readonly name = 'AccountWriteFence1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE account_write_fence (
        workspace_id     varchar(64) NOT NULL,
        account_id       varchar(64) NOT NULL,
        started_version  bigint NOT NULL CHECK (started_version >= 1),
        owner            text NOT NULL,
        started_at       timestamptz NOT NULL,
        prior_version    bigint,
        prior_owner      text,
        settle_until     timestamptz,
        PRIMARY KEY (workspace_id, account_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS account_write_fence`);
  }
}
