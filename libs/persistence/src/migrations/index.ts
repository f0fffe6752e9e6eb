import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { AccountWriteLease1763850000000 } from './1763850000000-account-write-lease';
import { AuditLog1763900000000 } from './1763900000000-audit-log';
import { AccountWriteFence1764000000000 } from './1764000000000-account-write-fence';
import { DataKey1764100000000 } from './1764100000000-data-key';
import { WorkspaceKeyIntegration1764200000000 } from './1764200000000-workspace-key-integration';
import { FailureRecordPurpose1764300000000 } from './1764300000000-failure-record-purpose';
import { ReplayJob1764400000000 } from './1764400000000-replay-job';
import { FailureFirstFailedAt1764500000000 } from './1764500000000-failure-first-failed-at';

/** In order of application; new migrations are appended, never edited once released. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  AccountWriteLease1763850000000,
  AuditLog1763900000000,
  AccountWriteFence1764000000000,
  DataKey1764100000000,
  WorkspaceKeyIntegration1764200000000,
  FailureRecordPurpose1764300000000,
  ReplayJob1764400000000,
  FailureFirstFailedAt1764500000000,
];
