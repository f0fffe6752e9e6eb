import { Inject, Injectable } from '@nestjs/common';
import { CONFIGURATION_STORE } from '../admin.tokens';
import { type BackupConfiguration } from '../configuration/backup-configuration';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { vaultBackupNotFound } from '../http/admin.errors';
import { type VaultBackupDto } from './dto/vault-backup.dto';
import { toVaultBackupDto } from './vault-backup.mapper';

/** Reads a workspace's backup, with the pipeline's counters, as the API shows it. */
@Injectable()
export class BackupStatusService {
  constructor(@Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore) {}

  async get(workspaceId: string): Promise<VaultBackupDto> {
    return this.present(await this.require(workspaceId));
  }

  async require(workspaceId: string): Promise<BackupConfiguration> {
    const configuration = await this.store.find(workspaceId);
    if (configuration === null) throw vaultBackupNotFound();
    return configuration;
  }

  async present(configuration: BackupConfiguration): Promise<VaultBackupDto> {
    return toVaultBackupDto(configuration, await this.store.counters(configuration.workspaceId));
  }
}
