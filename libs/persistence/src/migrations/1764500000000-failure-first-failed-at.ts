import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * When the backup of a failed record first failed. A record failed at once has it equal to its row's
 * `created_at`; a parked backup that used up its retry budget keeps the time it was first parked, so
 * the admin API's "first failure" is true. Null on rows written before this column: read as `created_at`.
 */
export class FailureFirstFailedAt1764500000000 implements MigrationInterface {
  readonly name = 'FailureFirstFailedAt1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE backup_failure ADD COLUMN first_failed_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE backup_failure DROP COLUMN IF EXISTS first_failed_at`);
  }
}
