import { type CyberArkClientFactory, tenantKeyOf } from '@vault-backup/cyberark';
import { type WorkspaceTargetsPort } from '../../pipeline/ports/workspace-targets.port';
import { type StoredConnection } from '../configuration/backup-configuration';

/**
 * What must happen after a configuration change has committed: the pipeline re-reads the
 * workspace at once (instead of after its cache TTL), and the cached client of a tenant that is no
 * longer configured is disposed with its token.
 */
export class ConfigurationChanges {
  constructor(
    private readonly workspaceTargets: WorkspaceTargetsPort,
    private readonly clients: CyberArkClientFactory,
  ) {}

  committed(workspaceId: string, previous: StoredConnection | null, current: StoredConnection | null): void {
    this.workspaceTargets.invalidate(workspaceId);
    if (previous === null) return;
    if (current === null || tenantKeyOf(previous) !== tenantKeyOf(current)) this.clients.evict(previous);
  }
}
