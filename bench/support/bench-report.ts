import { type ScenarioResult } from '../scenarios/scenario-result';
import { type BenchTargets, type ScenarioName } from './bench-settings';

export type TargetStatus = 'pass' | 'MISS' | 'n/a';

export interface TargetCheck {
  readonly id: string;
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly status: TargetStatus;
}

/** Token lifetime the simulator issues by default (tenant switch `tokenTtlSeconds`). */
const TOKEN_LIFETIME_SECONDS = 3_600;

type Results = Partial<Record<ScenarioName, ScenarioResult>>;

export function evaluateTargets(
  results: Results,
  targets: BenchTargets,
  crashed: Partial<Record<ScenarioName, string>> = {},
): TargetCheck[] {
  const notMeasured = (id: string, name: string, target: string, ...needed: ScenarioName[]): TargetCheck =>
    notMeasuredCheck(id, name, target, needed, results, crashed);
  const cpu = results.cpu;
  const latency = results.latency;
  const naive = results.naive;
  const pipeline = [cpu, latency].filter((result): result is ScenarioResult => result !== undefined);
  const checks: TargetCheck[] = [];

  if (latency?.completed && naive?.completed && naive.eventsPerSecond > 0) {
    const speedup = latency.eventsPerSecond / naive.eventsPerSecond;
    checks.push({
      id: '1a',
      name: `throughput vs naive Nest consumer @${latency.sizes.latencyMs} ms`,
      target: `>= ${targets.naiveSpeedup}x`,
      measured: `${speedup.toFixed(1)}x (${latency.eventsPerSecond} vs ${naive.eventsPerSecond} events/s)`,
      status: speedup >= targets.naiveSpeedup ? 'pass' : 'MISS',
    });
  } else {
    checks.push(
      notMeasured(
        '1a',
        'throughput vs naive Nest consumer',
        `>= ${targets.naiveSpeedup}x`,
        'latency',
        'naive',
      ),
    );
  }

  const ceiling = latency?.inFlight?.ceilingEventsPerSecond;
  if (latency?.completed && ceiling) {
    const share = latency.eventsPerSecond / ceiling;
    checks.push({
      id: '1b',
      name: `share of the concurrency ceiling (${latency.inFlight?.effective} in flight / ${latency.sizes.latencyMs} ms)`,
      target: `>= ${Math.round(targets.ceilingShare * 100)} % of ${ceiling}/s`,
      measured: `${(share * 100).toFixed(1)} % (${latency.eventsPerSecond} events/s)`,
      status: share >= targets.ceilingShare ? 'pass' : 'MISS',
    });
  } else {
    checks.push(
      notMeasured('1b', 'share of the concurrency ceiling', `>= ${targets.ceilingShare * 100} %`, 'latency'),
    );
  }

  if (cpu?.completed) {
    checks.push({
      id: '2',
      name: 'CPU-bound throughput (0 ms, PostgreSQL state included)',
      target: `>= ${targets.cpuEventsPerSecond} events/s`,
      measured: `${cpu.eventsPerSecond} events/s`,
      status: cpu.eventsPerSecond >= targets.cpuEventsPerSecond ? 'pass' : 'MISS',
    });
  } else {
    checks.push(notMeasured('2', 'CPU-bound throughput', `>= ${targets.cpuEventsPerSecond} events/s`, 'cpu'));
  }

  if (pipeline.length > 0) {
    const worst = Math.max(...pipeline.map((result) => result.cyberArk.writesPerAppliedVersion));
    checks.push({
      id: '3',
      name: 'CyberArk writes per applied version',
      target: `<= ${targets.writesPerApplied}`,
      measured: pipeline
        .map((result) => `${result.scenario} ${result.cyberArk.writesPerAppliedVersion.toFixed(3)}`)
        .join(', '),
      status:
        pipeline.every((result) => result.completed) && worst <= targets.writesPerApplied ? 'pass' : 'MISS',
    });
    const tokenOk = pipeline.every((result) => {
      const allowed = Math.max(
        1,
        Math.ceil((result.timing.startupSeconds + result.timing.consumeSeconds) / TOKEN_LIFETIME_SECONDS),
      );
      return result.cyberArk.maxTokenRequestsPerTenant <= allowed * targets.tokenRequestsPerTenantPerLifetime;
    });
    checks.push({
      id: '4',
      name: `token requests per tenant per token lifetime (${TOKEN_LIFETIME_SECONDS} s)`,
      target: `<= ${targets.tokenRequestsPerTenantPerLifetime}`,
      measured: pipeline
        .map(
          (result) =>
            `${result.scenario} max ${result.cyberArk.maxTokenRequestsPerTenant}` +
            (result.cyberArk.tenantsWithoutToken > 0
              ? ` (${result.cyberArk.tenantsWithoutToken} tenants none)`
              : ''),
        )
        .join(', '),
      status: tokenOk ? 'pass' : 'MISS',
    });
    const peak = Math.max(...pipeline.map((result) => result.consumerPeakRssMiB));
    checks.push({
      id: '5',
      name: 'peak RSS of the service process (VmHWM)',
      target: `<= ${targets.peakRssMiB} MiB`,
      measured: pipeline.map((result) => `${result.scenario} ${result.consumerPeakRssMiB} MiB`).join(', '),
      status: peak <= targets.peakRssMiB ? 'pass' : 'MISS',
    });
  } else {
    const both: ScenarioName[] = ['cpu', 'latency'];
    checks.push(
      notMeasured('3', 'CyberArk writes per applied version', `<= ${targets.writesPerApplied}`, ...both),
    );
    checks.push(notMeasured('4', 'token requests per tenant per lifetime', '<= 1', ...both));
    checks.push(notMeasured('5', 'peak RSS of the service process', `<= ${targets.peakRssMiB} MiB`, ...both));
  }
  return checks;
}

function notMeasuredCheck(
  id: string,
  name: string,
  target: string,
  needed: readonly ScenarioName[],
  results: Results,
  crashed: Partial<Record<ScenarioName, string>>,
): TargetCheck {
  const crash = needed.find((scenario) => crashed[scenario] !== undefined);
  if (crash)
    return { id, name, target, measured: `${crash} failed: ${crashed[crash] ?? ''}`, status: 'MISS' };
  const incomplete = needed
    .map((scenario) => results[scenario])
    .find((result) => result && !result.completed);
  if (incomplete) {
    return {
      id,
      name,
      target,
      measured: `${incomplete.scenario} did not complete: ${incomplete.error ?? ''}`,
      status: 'MISS',
    };
  }
  return { id, name, target, measured: 'scenario not run', status: 'n/a' };
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

export function scenarioTable(results: readonly ScenarioResult[]): string {
  const share = (result: ScenarioResult, role: string): string => {
    const usage = result.resources.roles.find((item) => item.role === role);
    return usage ? `${Math.round(usage.coreShare * 100)}%` : '-';
  };
  return renderTable(
    [
      'scenario',
      'events',
      'consume s',
      'events/s',
      'events/CPU-s',
      'writes/applied',
      'POST/PATCH/pw',
      'tokens/tenant',
      'peak RSS',
      'CPU consumer',
      'CPU simulator',
      'CPU pg',
      'CPU kafka',
      'machine busy',
      'load 1m',
    ],
    results.map((result) => [
      result.title,
      String(result.sizes.events),
      result.timing.consumeSeconds.toFixed(2),
      result.completed
        ? String(result.eventsPerSecond)
        : `- (${result.appliedAccounts}/${result.sizes.accounts})`,
      result.eventsPerConsumerCpuSecond ? String(result.eventsPerConsumerCpuSecond) : '-',
      result.cyberArk.writesPerAppliedVersion.toFixed(3),
      `${result.cyberArk.creates}/${result.cyberArk.patches}/${result.cyberArk.secretUpdates}`,
      String(result.cyberArk.maxTokenRequestsPerTenant),
      `${result.consumerPeakRssMiB} MiB`,
      share(result, 'consumer'),
      share(result, 'cyberark simulator'),
      share(result, 'postgres (run database)'),
      share(result, 'kafka broker (shared)'),
      `${Math.round(result.resources.machineBusyShare * 100)}%`,
      `${result.machine.loadBefore[0] ?? '-'}→${result.machine.loadAfter[0] ?? '-'}`,
    ]),
  );
}

export function targetTable(checks: readonly TargetCheck[]): string {
  return renderTable(
    ['#', 'target', 'goal', 'measured', 'status'],
    checks.map((check) => [check.id, check.name, check.target, check.measured, check.status]),
  );
}
