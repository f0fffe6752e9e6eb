import { type HistoryCheckResult, type HistoryTotals, type WorkloadStats } from '@vault-backup/testing';

export const ZERO_TOTALS: HistoryTotals = {
  lost: 0,
  duplicateAccounts: 0,
  nonMonotonic: 0,
  staleFinal: 0,
  inconsistent: 0,
  falseDeadLetters: 0,
  unknownWrites: 0,
  misrouted: 0,
};

/**
 * Prints what a scenario did and found, as one block: the workload's shape, the timings (reported,
 * never asserted unless the scenario says so) and the history checker's report.
 */
export function printScenarioReport(
  title: string,
  parts: {
    workload?: WorkloadStats;
    timings?: Record<string, number | string | undefined>;
    facts?: Record<string, number | string | boolean | undefined>;
    check?: HistoryCheckResult;
    logs?: string;
    stored?: string;
  },
): void {
  const lines = [`══ adversity: ${title}`];
  if (parts.workload) {
    const w = parts.workload;
    lines.push(
      `workload: ${w.records} records (${w.events} events, ${w.poison} poison) over ${w.workspaces} workspaces, ${w.accounts} accounts ` +
        `(max ${w.maxVersionsPerAccount} versions), ${w.duplicates} duplicates, ${w.reordered} reordered ` +
        `(${w.crossTopicReordered} across topics), ${w.structured} structured, ${w.bulky} bulky`,
    );
  }
  if (parts.timings)
    lines.push(
      `timings: ${formatPairs(parts.timings, (value) => (typeof value === 'number' ? `${Math.round(value)} ms` : value))}`,
    );
  if (parts.facts) lines.push(`facts: ${formatPairs(parts.facts, String)}`);
  if (parts.check) lines.push(parts.check.report({ accounts: 3 }));
  if (parts.stored) lines.push(`stored state of offending accounts:\n${parts.stored}`);
  if (parts.logs && parts.check && parts.check.offending.length + parts.check.totals.falseDeadLetters > 0)
    lines.push(`service logs (tail):\n${parts.logs}`);
  console.info(lines.join('\n'));
}

function formatPairs<T>(pairs: Record<string, T | undefined>, format: (value: T) => string): string {
  return Object.entries(pairs)
    .filter((entry): entry is [string, T] => entry[1] !== undefined)
    .map(([name, value]) => `${name} ${format(value)}`)
    .join(', ');
}
