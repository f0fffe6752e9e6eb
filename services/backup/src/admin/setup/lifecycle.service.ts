import { Inject, Injectable } from '@nestjs/common';
import { CONFIGURATION_STORE } from '../admin.tokens';
import { type BackupOptions } from '../configuration/backup-configuration';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { nextStatus } from '../configuration/configuration-state';
import { RequestValidationError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { BackupStatusService } from './backup-status.service';
import { ConfigurationChanges } from './configuration-changes';
import { type OptionsDto } from './dto/options.dto';
import { type VaultBackupDto } from './dto/vault-backup.dto';
import { auditEntry } from './setup-audit';

const OPTION_NAMES = ['allowPlaintextSecrets', 'metadataOnly', 'retryBudgetSeconds'] as const;

/** Step 3 (enable), disable, options and delete: no CyberArk call, so no surprises. All idempotent. */
@Injectable()
export class LifecycleService {
  constructor(
    @Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore,
    private readonly changes: ConfigurationChanges,
    private readonly status: BackupStatusService,
  ) {}

  async enable(workspaceId: string, actor: Actor): Promise<VaultBackupDto> {
    return this.switchTo(workspaceId, actor, 'enable');
  }

  async disable(workspaceId: string, actor: Actor): Promise<VaultBackupDto> {
    return this.switchTo(workspaceId, actor, 'disable');
  }

  async updateOptions(workspaceId: string, input: OptionsDto, actor: Actor): Promise<VaultBackupDto> {
    const given = OPTION_NAMES.filter((name) => input[name] !== undefined);
    if (given.length === 0) {
      throw new RequestValidationError([
        { field: '(body)', message: `must set at least one of ${OPTION_NAMES.join(', ')}` },
      ]);
    }
    const existing = await this.status.require(workspaceId);
    const options: BackupOptions = {
      ...existing.options,
      ...Object.fromEntries(given.map((name) => [name, input[name]])),
    };
    const changedFields = given.filter((name) => options[name] !== existing.options[name]);
    if (changedFields.length === 0) return this.status.present(existing);
    const changedValues = Object.fromEntries(changedFields.map((name) => [name, options[name]]));
    const saved = await this.store.save({ ...existing, options }, existing.revision, [
      auditEntry(workspaceId, actor, 'changed', { changedFields, options: changedValues }),
    ]);
    this.changes.committed(workspaceId, existing.connection, saved.connection);
    return this.status.present(saved);
  }

  /** 204 whether or not there was a backup; only a real deletion is audited. */
  async delete(workspaceId: string, actor: Actor): Promise<void> {
    const deleted = await this.store.delete(workspaceId, [auditEntry(workspaceId, actor, 'deleted')]);
    if (deleted !== null) this.changes.committed(workspaceId, deleted.connection, null);
  }

  private async switchTo(
    workspaceId: string,
    actor: Actor,
    type: 'enable' | 'disable',
  ): Promise<VaultBackupDto> {
    const existing = await this.status.require(workspaceId);
    const status = nextStatus(existing.status, { type });
    if (status === existing.status) return this.status.present(existing);
    const saved = await this.store.save(
      { ...existing, status, enabledAt: status === 'enabled' ? new Date() : null },
      existing.revision,
      [auditEntry(workspaceId, actor, type === 'enable' ? 'enabled' : 'disabled')],
    );
    this.changes.committed(workspaceId, existing.connection, saved.connection);
    return this.status.present(saved);
  }
}
