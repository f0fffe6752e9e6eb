import { type TenantConnection } from '@vault-backup/cyberark';
import { type BackupTargets } from '../configuration/backup-configuration';
import { type CheckReport } from './check-report';

/** The two questions the setup asks CyberArk. Never throws for a CyberArk answer: failures are in the report. */
export interface CyberArkProbePort {
  /** Step 1: can a platform token be obtained with these URLs and credentials? */
  connect(connection: TenantConnection): Promise<CheckReport>;
  /** Step 2: token, then the safe, the service user's permissions in it, the platform and its properties. */
  validate(connection: TenantConnection, targets: BackupTargets): Promise<CheckReport>;
}
