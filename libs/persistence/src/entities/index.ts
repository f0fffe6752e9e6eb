import { AuditLogEntity } from './audit-log.entity';
import { BackupConfigurationEntity } from './backup-configuration.entity';
import { BackupFailureEntity } from './backup-failure.entity';

export {
  BackupConfigurationEntity,
  CLIENT_SECRET_CIPHER_CONTEXT,
  type BackupConfigurationStatus,
} from './backup-configuration.entity';
export { AUDIT_ACTIONS, AuditLogEntity, type AuditAction } from './audit-log.entity';
export { BackupFailureEntity, type BackupFailureStatus } from './backup-failure.entity';

export const ENTITIES = [BackupConfigurationEntity, AuditLogEntity, BackupFailureEntity];
