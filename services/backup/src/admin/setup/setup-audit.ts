import { type AuditAction } from '@vault-backup/persistence';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupTargets } from '../configuration/backup-configuration';
import { type CheckReport, connectionFailureOf } from '../cyberark-probe/check-report';
import { type Actor } from '../http/request-context';

export function auditEntry(
  workspaceId: string,
  actor: Actor,
  action: AuditAction,
  details: Readonly<Record<string, unknown>> = {},
): AuditEntryInput {
  return { workspaceId, actor, action, details };
}

/**
 * The audit entries a check produces: a failed token is `connection-failed` (with its class); a
 * targets check is `validated` or `validation-failed` naming what is missing. Never a secret.
 */
export function checkAuditEntries(
  workspaceId: string,
  actor: Actor,
  report: CheckReport,
  targets: BackupTargets | null,
): AuditEntryInput[] {
  const failure = connectionFailureOf(report);
  if (failure !== undefined)
    return [auditEntry(workspaceId, actor, 'connection-failed', { failureClass: failure.class })];
  if (report.scope === 'connection' || targets === null) return [auditEntry(workspaceId, actor, 'connected')];
  const details = {
    safeName: targets.safeName,
    platformId: targets.platformId,
    ...(report.outcome === 'failed'
      ? {
          failedChecks: report.checks.filter((check) => check.status === 'failed').map((check) => check.name),
          missingPermissions: report.missingPermissions,
          missingProperties: report.missingProperties,
        }
      : {}),
  };
  return [
    auditEntry(workspaceId, actor, 'connected'),
    auditEntry(workspaceId, actor, report.outcome === 'passed' ? 'validated' : 'validation-failed', details),
  ];
}
