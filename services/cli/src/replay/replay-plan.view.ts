import { type ReplayPlan } from '../api/admin-api.types';
import { cell, renderTable } from '../output/table';

const SHOWN_ITEMS = 10;

/** `plan for <label>: N to replay; to skip: <reason> <count>, …`. */
export function planHeadline(plan: Pick<ReplayPlan, 'toReplay' | 'toSkip'>, label: string): string {
  const skips = Object.entries(plan.toSkip)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return `plan for ${label}: ${plan.toReplay} to replay; to skip: ${skips || 'none'}`;
}

export function renderPlan(plan: ReplayPlan, label: string): string {
  const items = plan.items.slice(0, SHOWN_ITEMS);
  const more = plan.items.length > SHOWN_ITEMS || plan.truncated ? ['…'] : [];
  return [
    planHeadline(plan, label),
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
