import { BackupConfigurationEntity } from './backup-configuration.entity';

export { BackupConfigurationEntity, type BackupConfigurationStatus } from './backup-configuration.entity';

export const ENTITIES = [BackupConfigurationEntity];
