import { BackupConfigurationEntity } from './backup-configuration.entity';

export {
  BackupConfigurationEntity,
  CLIENT_SECRET_CIPHER_CONTEXT,
  type BackupConfigurationStatus,
} from './backup-configuration.entity';

export const ENTITIES = [BackupConfigurationEntity];
