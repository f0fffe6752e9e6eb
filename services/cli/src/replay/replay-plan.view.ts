import { type ReplayPlan } from '../api/admin-api.types';
import { cell, renderTable } from '../output/table';

const SHOWN_ITEMS = 10;

export function renderPlan(plan: ReplayPlan, label: string): string {
  const skips = Object.entries(plan.toSkip)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const items = plan.items.slice(0, SHOWN_ITEMS);
  const more = plan.items.length > SHOWN_ITEMS || plan.truncated ? ['…'] : [];
  return [
    `plan for ${label}: ${plan.toReplay} to replay; to skip: ${skips || 'none'}`,
    '',
    renderTable(
      ['ACTION', 'ACCOUNT', 'VERSION', 'CLASS', 'CODE', 'REASON', 'FAILURE ID'],
      items.map((item) => [
        item.action,
        cell(item.accountId),
        cell(item.version),
        cell(item.errorClass),
        cell(item.code),
        cell(item.reason),
        cell(item.failureId),
      ]),
    ),
    ...more,
  ].join('\n');
}
