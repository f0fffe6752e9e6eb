import { type VaultBackup, type VaultBackupSummary } from '../api/admin-api.types';
import { cell, renderTable } from '../output/table';

export function renderBackup(backup: VaultBackup): string {
  const rows: [string, string][] = [
    ['workspace', backup.workspaceId],
    ['status', backup.status],
    ['identity', cell(backup.connection?.identityTenantUrl)],
    ['privilege cloud', cell(backup.connection?.privilegeCloudUrl)],
    ['safe', cell(backup.targets?.safeName)],
    ['platform', cell(backup.targets?.platformId)],
    [
      'last check',
      backup.lastCheck === null ? '-' : `${backup.lastCheck.outcome} at ${backup.lastCheck.checkedAt}`,
    ],
    ['enabled at', cell(backup.enabledAt)],
    ['open failures', String(backup.counters.openFailures)],
    ['skipped events', String(backup.counters.skippedEvents)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export function renderSummaries(items: readonly VaultBackupSummary[]): string {
  return renderTable(
    ['WORKSPACE', 'STATUS', 'ENABLED AT', 'OPEN FAILURES', 'SKIPPED', 'UPDATED AT'],
    items.map((item) => [
      item.workspaceId,
      item.status,
      cell(item.enabledAt),
      String(item.counters.openFailures),
      String(item.counters.skippedEvents),
      item.updatedAt,
    ]),
  );
}
