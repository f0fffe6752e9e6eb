import {
  type ClassCount,
  type Problem,
  type ProblemCounts,
  type ProblemPage,
  type WorkspaceProblemsPage,
} from '../api/admin-api.types';
import { cell, renderTable } from '../output/table';

export function renderProblemPage(page: ProblemPage): string {
  if (page.counts.total === 0) return 'no failed or parked backups';
  return [
    countsLine(page.counts),
    '',
    classTable(page.counts.byClass),
    '',
    ...page.items.map(renderProblem),
  ].join('\n');
}

export function renderWorkspaceProblems(page: WorkspaceProblemsPage): string {
  const table = renderTable(
    ['WORKSPACE', 'FAILED', 'PARKED', 'TOTAL', 'LAST FAILED', 'CLASSES'],
    page.items.map((item) => [
      item.workspaceId,
      String(item.failed),
      String(item.parked),
      String(item.total),
      item.lastFailedAt,
      item.byClass.map((entry) => `${entry.errorClass}:${entry.total}`).join(' '),
    ]),
  );
  const unattributed = `unattributed (no workspace): ${page.unattributed.total} — list them with \`failures list --unattributed\``;
  return [countsLine(page.counts), '', table, '', unattributed].join('\n');
}

function countsLine(counts: ProblemCounts): string {
  return `${counts.total} problems: ${counts.failed} failed (replay once fixed), ${counts.parked} parked (retried automatically)`;
}

function classTable(byClass: readonly ClassCount[]): string {
  return renderTable(
    ['CLASS', 'FAILED', 'PARKED', 'TOTAL'],
    byClass.map((entry) => [
      entry.errorClass,
      String(entry.failed),
      String(entry.parked),
      String(entry.total),
    ]),
  );
}

/** Two lines per problem: what and where, then what to do. */
function renderProblem(problem: Problem): string {
  const version = problem.version === null ? '' : ` v${problem.version}`;
  const code = problem.error.code === null ? '' : `/${problem.error.code}`;
  const id =
    problem.failureId === null ? `next retry ${cell(problem.nextAttemptAt)}` : `failure ${problem.failureId}`;
  return [
    `${problem.kind.padEnd(6)}  ${cell(problem.accountId)}${version}  ${problem.error.class}${code}  ${problem.lastFailedAt}  ${id}`,
    `        → ${problem.action}`,
  ].join('\n');
}
