import { type BackupConfiguration, type BackupCounters } from '../configuration/backup-configuration';
import { type CheckReport } from '../cyberark-probe/check-report';
import { type CheckReportDto, type VaultBackupDto } from './dto/vault-backup.dto';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** Whitelist mapping: a field reaches the API only by being named here (never the secret ciphertext). */
export function toVaultBackupDto(
  configuration: BackupConfiguration,
  counters: BackupCounters,
): VaultBackupDto {
  const { connection, targets, options } = configuration;
  return {
    workspaceId: configuration.workspaceId,
    status: configuration.status,
    connection:
      connection === null
        ? null
        : {
            identityTenantUrl: connection.identityUrl,
            privilegeCloudUrl: connection.privilegeCloudUrl,
            clientId: connection.clientId,
            clientSecretSet: true,
            connectedAt: iso(configuration.connectedAt),
          },
    targets: targets === null ? null : { safeName: targets.safeName, platformId: targets.platformId },
    options: {
      allowPlaintextSecrets: options.allowPlaintextSecrets,
      metadataOnly: options.metadataOnly,
      retryBudgetSeconds: options.retryBudgetSeconds,
    },
    lastCheck: configuration.lastCheck === null ? null : toCheckReportDto(configuration.lastCheck),
    validatedAt: iso(configuration.validatedAt),
    enabledAt: iso(configuration.enabledAt),
    counters: {
      openFailures: counters.openFailures,
      skippedEvents: counters.skippedEvents,
      lastSkippedAt: iso(counters.lastSkippedAt),
    },
    revision: configuration.revision,
    createdAt: configuration.createdAt.toISOString(),
    updatedAt: configuration.updatedAt.toISOString(),
  };
}

export function toCheckReportDto(report: CheckReport): CheckReportDto {
  return {
    outcome: report.outcome,
    scope: report.scope,
    checkedAt: report.checkedAt,
    checks: report.checks.map((check) => ({
      name: check.name,
      status: check.status,
      message: check.message,
      ...(check.failureClass === undefined ? {} : { failureClass: check.failureClass }),
      ...(check.missing === undefined ? {} : { missing: [...check.missing] }),
      ...(check.mustBeOptional === undefined ? {} : { mustBeOptional: [...check.mustBeOptional] }),
    })),
    missingPermissions: [...report.missingPermissions],
    missingProperties: [...report.missingProperties],
  };
}
