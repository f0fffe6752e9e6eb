import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * How a failure's record is sealed. Normally for `backup-failure`; a parked backup whose retry budget
 * ran out while its workspace's key was out of reach cannot be opened to be sealed again, so it is kept
 * exactly as it was parked (`pending-backup`) and opens once the key is back.
 */
export class FailureRecordPurpose1764300000000 implements MigrationInterface {
  readonly name = 'FailureRecordPurpose1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE backup_failure
        ADD COLUMN record_purpose varchar(32) NOT NULL DEFAULT 'backup-failure'
          CONSTRAINT backup_failure_record_purpose_check CHECK (record_purpose IN ('backup-failure', 'pending-backup'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE backup_failure DROP COLUMN IF EXISTS record_purpose`);
  }
}
