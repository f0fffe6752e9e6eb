import { Inject, Injectable } from '@nestjs/common';
import { Secret } from '@vault-backup/config';
import { type TenantConnection } from '@vault-backup/cyberark';
import { type TenantUrlPolicy } from '@vault-backup/url-policy';
import { CONFIGURATION_STORE, CYBERARK_PROBE, TENANT_URL_POLICY } from '../admin.tokens';
import { type AuditEntryInput } from '../audit/audit-entry';
import {
  DEFAULT_OPTIONS,
  type BackupConfiguration,
  type StoredConnection,
} from '../configuration/backup-configuration';
import { ClientSecretBox } from '../configuration/client-secret.box';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { nextStatus, statusNotices } from '../configuration/configuration-state';
import { connectionFailureOf } from '../cyberark-probe/check-report';
import { type CyberArkProbePort } from '../cyberark-probe/cyberark-probe.port';
import { type Actor } from '../http/request-context';
import { WorkspaceCheckLimiter } from '../rate-limit/workspace-check.limiter';
import { resolveTenantUrls } from '../tenant-urls/tenant-url-roles';
import { BackupStatusService } from './backup-status.service';
import { ConfigurationChanges } from './configuration-changes';
import { type ConnectionDto } from './dto/connection.dto';
import { type ConnectionResultDto } from './dto/setup-result.dto';
import { auditEntry, checkAuditEntries } from './setup-audit';

/**
 * Step 1, and "change credentials": store the connection and connect. When targets are already set
 * they are validated with the new credentials in the same request, so a rotation keeps an enabled
 * backup running when the new credentials work, and pauses it (saying so) when they do not.
 */
@Injectable()
export class ConnectionService {
  constructor(
    @Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore,
    @Inject(CYBERARK_PROBE) private readonly probe: CyberArkProbePort,
    @Inject(TENANT_URL_POLICY) private readonly policy: TenantUrlPolicy,
    private readonly secrets: ClientSecretBox,
    private readonly changes: ConfigurationChanges,
    private readonly status: BackupStatusService,
    private readonly limiter: WorkspaceCheckLimiter,
  ) {}

  async replace(workspaceId: string, input: ConnectionDto, actor: Actor): Promise<ConnectionResultDto> {
    const { urls, notices } = resolveTenantUrls(this.policy, input);
    return this.limiter.run(workspaceId, () => this.connect(workspaceId, input, urls, notices, actor));
  }

  /** Within the workspace's check budget: the connect (and validation) reaches CyberArk and writes audit rows. */
  private async connect(
    workspaceId: string,
    input: ConnectionDto,
    urls: ReturnType<typeof resolveTenantUrls>['urls'],
    notices: readonly string[],
    actor: Actor,
  ): Promise<ConnectionResultDto> {
    const secret = new Secret(input.clientSecret);
    const connection: TenantConnection = { ...urls, clientId: input.clientId, clientSecret: secret };
    const existing = await this.store.find(workspaceId);
    const targets = existing?.targets ?? null;
    const report =
      targets === null
        ? await this.probe.connect(connection)
        : await this.probe.validate(connection, targets);
    const failure = connectionFailureOf(report);
    const validated = failure === undefined && targets !== null ? report.outcome === 'passed' : undefined;
    const status = nextStatus(existing?.status ?? null, {
      type: 'replaced',
      connected: failure === undefined,
      validated,
    });
    const stored: StoredConnection = {
      ...urls,
      clientId: input.clientId,
      clientSecretCiphertext: await this.secrets.seal(workspaceId, secret),
    };
    const now = new Date();
    const audit = [
      ...(await this.changeEntries(workspaceId, actor, existing, stored, secret)),
      ...checkAuditEntries(workspaceId, actor, report, targets),
    ];
    const saved = await this.store.save(
      {
        workspaceId,
        status,
        connection: stored,
        targets,
        options: existing?.options ?? DEFAULT_OPTIONS,
        lastCheck: report,
        connectedAt: failure === undefined ? now : null,
        validatedAt: validated === true ? now : null,
        enabledAt: status === 'enabled' ? (existing?.enabledAt ?? now) : null,
      },
      existing?.revision ?? null,
      audit,
    );
    this.changes.committed(workspaceId, existing?.connection ?? null, saved.connection);
    return {
      status: failure === undefined ? 'connected' : 'failed',
      ...(failure === undefined ? {} : { failure }),
      notices: [
        ...notices,
        ...validationNotice(validated),
        ...statusNotices(existing?.status ?? null, status),
      ],
      vaultBackup: await this.status.present(saved),
    };
  }

  private async changeEntries(
    workspaceId: string,
    actor: Actor,
    existing: BackupConfiguration | null,
    next: StoredConnection,
    secret: Secret,
  ): Promise<AuditEntryInput[]> {
    if (existing === null) return [auditEntry(workspaceId, actor, 'created')];
    const previous = existing.connection;
    const changedFields = [
      previous?.identityUrl !== next.identityUrl ? 'identityTenantUrl' : undefined,
      previous?.privilegeCloudUrl !== next.privilegeCloudUrl ? 'privilegeCloudUrl' : undefined,
      previous?.clientId !== next.clientId ? 'clientId' : undefined,
      previous === null || !(await this.secrets.holds(workspaceId, previous.clientSecretCiphertext, secret))
        ? 'clientSecret'
        : undefined,
    ].filter((field) => field !== undefined);
    return changedFields.length === 0 ? [] : [auditEntry(workspaceId, actor, 'changed', { changedFields })];
  }
}

function validationNotice(validated: boolean | undefined): string[] {
  return validated === false
    ? ['The stored targets did not pass validation with these credentials; see vaultBackup.lastCheck.']
    : [];
}
