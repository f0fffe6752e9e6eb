import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-account write leases: before writing an account to CyberArk an instance claims it here, so
 * two writers (two partitions of the created/updated topics, another instance after a rebalance, a
 * zombie, a write that outlived its batch) can never interleave and land an older version last.
 */
export class AccountWriteLease1763850000000 implements MigrationInterface {
  readonly name = 'AccountWriteLease1763850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE account_write_lease (
        workspace_id  varchar(64) NOT NULL,
        account_id    varchar(64) NOT NULL,
        owner         text NOT NULL,
        version       bigint NOT NULL,
        lease_until   timestamptz NOT NULL,
        PRIMARY KEY (workspace_id, account_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX account_write_lease_until_idx ON account_write_lease (lease_until)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS account_write_lease`);
  }
}
