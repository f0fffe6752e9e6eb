/** The contract between the bench and the naive consumer child: environment names and shapes. */

export const NAIVE_ENV = {
  brokers: 'NAIVE_KAFKA_BROKERS',
  createdTopic: 'NAIVE_CREATED_TOPIC',
  updatedTopic: 'NAIVE_UPDATED_TOPIC',
  groupId: 'NAIVE_GROUP_ID',
  databaseUrl: 'NAIVE_DATABASE_URL',
  /** JSON array of NaiveTarget. */
  targets: 'NAIVE_TARGETS',
} as const;

/** One workspace's CyberArk target, handed over in clear (bench only: throwaway simulator credentials). */
export interface NaiveTarget {
  readonly workspaceId: string;
  readonly identityUrl: string;
  readonly privilegeCloudUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly safeName: string;
  readonly platformId: string;
}

/** The naive consumer's whole state: what it wrote to CyberArk, one row per account. */
export const NAIVE_STATE_TABLE = 'naive_backup_state';

export const NAIVE_STATE_DDL = `CREATE TABLE IF NOT EXISTS ${NAIVE_STATE_TABLE} (
  workspace_id varchar(64) NOT NULL,
  account_id varchar(64) NOT NULL,
  applied_version bigint NOT NULL,
  cyberark_account_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, account_id)
)`;

export const NAIVE_READY_EVENT = 'naive-consumer.ready';
