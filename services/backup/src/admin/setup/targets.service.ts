import { Inject, Injectable } from '@nestjs/common';
import { type TenantConnection } from '@vault-backup/cyberark';
import { isRetriable } from '@vault-backup/errors';
import { CONFIGURATION_STORE, CYBERARK_PROBE } from '../admin.tokens';
import {
  type BackupConfiguration,
  type BackupTargets,
  type StoredConnection,
} from '../configuration/backup-configuration';
import { ClientSecretBox } from '../configuration/client-secret.box';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { type ConfigurationEvent, nextStatus, statusNotices } from '../configuration/configuration-state';
import { connectionFailureOf } from '../cyberark-probe/check-report';
import { type CyberArkProbePort } from '../cyberark-probe/cyberark-probe.port';
import { StateConflictError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { WorkspaceCheckLimiter } from '../rate-limit/workspace-check.limiter';
import { BackupStatusService } from './backup-status.service';
import { ConfigurationChanges } from './configuration-changes';
import { type ValidationResultDto } from './dto/setup-result.dto';
import { type TargetsDto } from './dto/targets.dto';
import { auditEntry, checkAuditEntries } from './setup-audit';
import { toCheckReportDto } from './vault-backup.mapper';

/** Step 2 (set the safe and platform, then validate) and re-validation on demand. */
@Injectable()
export class TargetsService {
  constructor(
    @Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore,
    @Inject(CYBERARK_PROBE) private readonly probe: CyberArkProbePort,
    private readonly secrets: ClientSecretBox,
    private readonly changes: ConfigurationChanges,
    private readonly status: BackupStatusService,
    private readonly limiter: WorkspaceCheckLimiter,
  ) {}

  async replace(workspaceId: string, input: TargetsDto, actor: Actor): Promise<ValidationResultDto> {
    const existing = await this.status.require(workspaceId);
    if (existing.status === 'draft') throw connectionRequired();
    const targets: BackupTargets = { safeName: input.safeName, platformId: input.platformId };
    const changedFields = [
      existing.targets?.safeName !== targets.safeName ? 'safeName' : undefined,
      existing.targets?.platformId !== targets.platformId ? 'platformId' : undefined,
    ].filter((field) => field !== undefined);
    const changed =
      changedFields.length === 0 ? [] : [auditEntry(workspaceId, actor, 'changed', { changedFields })];
    return this.check(existing, targets, actor, 'replaced', changed);
  }

  async revalidate(workspaceId: string, actor: Actor): Promise<ValidationResultDto> {
    const existing = await this.status.require(workspaceId);
    if (existing.targets === null) {
      throw new StateConflictError(
        'TARGETS_REQUIRED',
        'no safe and platform are set yet; set them with PUT .../targets',
      );
    }
    return this.check(existing, existing.targets, actor, 'revalidated', []);
  }

  private async check(
    existing: BackupConfiguration,
    targets: BackupTargets,
    actor: Actor,
    type: 'replaced' | 'revalidated',
    changed: ReturnType<typeof auditEntry>[],
  ): Promise<ValidationResultDto> {
    return this.limiter.run(existing.workspaceId, () =>
      this.validate(existing, targets, actor, type, changed),
    );
  }

  /** Within the workspace's check budget: the validation reaches CyberArk and writes audit rows. */
  private async validate(
    existing: BackupConfiguration,
    targets: BackupTargets,
    actor: Actor,
    type: 'replaced' | 'revalidated',
    changed: ReturnType<typeof auditEntry>[],
  ): Promise<ValidationResultDto> {
    const report = await this.probe.validate(
      await this.openConnection(existing.workspaceId, existing.connection),
      targets,
    );
    const connected = connectionFailureOf(report) === undefined;
    const validated = report.outcome === 'passed';
    const event: ConfigurationEvent = { type, connected, validated };
    const status = nextStatus(existing.status, event);
    const now = new Date();
    const keepsEarlierValidation = type === 'revalidated' && !validated;
    const saved = await this.store.save(
      {
        ...existing,
        status,
        targets,
        lastCheck: report,
        connectedAt: connected ? now : existing.connectedAt,
        validatedAt: validated ? now : keepsEarlierValidation ? existing.validatedAt : null,
        enabledAt: status === 'enabled' ? (existing.enabledAt ?? now) : null,
      },
      existing.revision,
      [...changed, ...checkAuditEntries(existing.workspaceId, actor, report, targets)],
    );
    this.changes.committed(existing.workspaceId, existing.connection, saved.connection);
    return {
      status: validated ? 'passed' : 'failed',
      report: toCheckReportDto(report),
      notices: [...enabledNotice(existing, validated, type), ...statusNotices(existing.status, status)],
      vaultBackup: await this.status.present(saved),
    };
  }

  private async openConnection(
    workspaceId: string,
    stored: StoredConnection | null,
  ): Promise<TenantConnection> {
    if (stored === null) throw connectionRequired();
    try {
      return { ...stored, clientSecret: await this.secrets.open(workspaceId, stored.clientSecretCiphertext) };
    } catch (error) {
      // The workspace's key being unusable right now (revoked, vault down) is not fixed by reconnecting.
      if (isRetriable(error)) throw error;
      throw new StateConflictError(
        'CONNECTION_UNREADABLE',
        'the stored client secret can no longer be decrypted (its key was retired); set the connection again',
      );
    }
  }
}

function connectionRequired(): StateConflictError {
  return new StateConflictError(
    'CONNECTION_REQUIRED',
    'the connection to CyberArk has not succeeded; connect first (PUT .../connection)',
  );
}

function enabledNotice(
  existing: BackupConfiguration,
  validated: boolean,
  type: 'replaced' | 'revalidated',
): string[] {
  if (type !== 'revalidated' || validated || existing.status !== 'enabled') return [];
  return [
    'The backup stays enabled: writes to CyberArk will fail and be recorded as failures until this is fixed.',
  ];
}
