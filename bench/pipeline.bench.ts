/**
 * `npm run bench`: holds the backup pipeline to the issue's targets on real Kafka, PostgreSQL and
 * CyberArk simulator processes. Runs the compiled service as a child process (so its RSS and CPU
 * are its own), on events produced before it starts, in three scenarios:
 *
 *   A  cpu      CyberArk answers at once: CPU-bound throughput, PostgreSQL state included
 *   B  latency  CyberArk answers after BENCH_LATENCY_MS: bound by the in-flight caps
 *   C  naive    the one-message-at-a-time NestJS consumer at the same latency (the baseline)
 *
 * Prints a scenario table and a target table, writes bench/results/<timestamp>.json and exits 1
 * when a target is missed (unless --no-fail). `npm run bench -- --help` lists the knobs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@vault-backup/testing';
import { runNaiveScenario } from './scenarios/naive-scenario';
import { runPipelineScenario } from './scenarios/pipeline-scenario';
import { type ScenarioResult } from './scenarios/scenario-result';
import { evaluateTargets, scenarioTable, targetTable } from './support/bench-report';
import {
  benchUsage,
  parseBenchSettings,
  type BenchSettings,
  type ScenarioName,
  TARGETS,
} from './support/bench-settings';
import { type ProfileSummary } from './support/cpu-profile-summary';
import { machineSummary } from './support/proc-stats';
import { type HistogramSummary } from './support/prometheus-text';
import { serviceLaunch } from './support/service-launch';

/** kafkajs 2.2.4 schedules negative timeouts on Node 24 (harmless, but it would clutter every run). */
function quietKafkajsTimerWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.warn(`${warning.name}: ${warning.message}`);
  });
}

async function main(): Promise<number> {
  quietKafkajsTimerWarning();
  const parsed = parseBenchSettings();
  if (parsed === 'help') {
    console.log(benchUsage());
    return 0;
  }
  const settings: BenchSettings = parsed;
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const machine = machineSummary();
  const launch = serviceLaunch();
  console.log(
    `vault-backup bench ${runId}: ${machine.cores} cores, load ${machine.loadAverage.join(' ')}; service from ${launch.mode}`,
  );
  if (launch.warning) console.log(`  warning: ${launch.warning}`);
  console.log(
    `  ${settings.accounts} accounts × (1 create + ${settings.updatesPerAccount} update), ${settings.tenants} tenants, ` +
      `${settings.partitions} partitions, ${settings.simulators} simulator(s); in flight ${settings.tenantMaxInFlight}/tenant, ` +
      `${settings.maxInFlight} total; naive: ${settings.naiveAccounts} accounts @ ${settings.latencyMs} ms`,
  );

  const results: Partial<Record<ScenarioName, ScenarioResult>> = {};
  const crashed: Partial<Record<ScenarioName, string>> = {};
  for (const scenario of settings.scenarios) {
    const started = performance.now();
    console.log(`\n── scenario ${scenario}`);
    try {
      const result =
        scenario === 'naive'
          ? await runNaiveScenario(settings)
          : await runPipelineScenario(settings, scenario, runId);
      results[scenario] = result;
      console.log(describe(result));
      if (result.profile) console.log(describeProfile(result.profile));
    } catch (error) {
      crashed[scenario] = error instanceof Error ? error.message : String(error);
      console.log(`   FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.log(`   (scenario took ${((performance.now() - started) / 1_000).toFixed(1)} s in all)`);
  }

  const ran = settings.scenarios.flatMap((scenario) => (results[scenario] ? [results[scenario]] : []));
  const checks = evaluateTargets(results, TARGETS, crashed);
  console.log(`\n${scenarioTable(ran)}\n`);
  console.log(`${targetTable(checks)}\n`);
  const warnings = [...new Set(ran.flatMap((result) => result.warnings))];
  for (const warning of warnings) console.log(`warning: ${warning}`);

  const directory = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${runId}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        runId,
        machine,
        settings,
        targets: TARGETS,
        checks,
        crashed,
        results,
        finishedAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`results: ${file}`);

  const missed = checks.filter((check) => check.status === 'MISS');
  if (missed.length === 0) return 0;
  console.log(`${missed.length} target(s) missed: ${missed.map((check) => check.id).join(', ')}`);
  if (!settings.failOnMiss) console.log('(--no-fail: reporting only)');
  return settings.failOnMiss ? 1 : 0;
}

function describe(result: ScenarioResult): string {
  const lines = [
    `   ${result.title}: ${result.completed ? `${result.eventsPerSecond} events/s` : `INCOMPLETE (${result.error ?? ''})`}` +
      ` — ${result.sizes.events} events in ${result.timing.consumeSeconds} s` +
      ` (produced in ${result.timing.produceSeconds} s, consumer up in ${result.timing.startupSeconds} s); ` +
      `${result.eventsPerConsumerCpuSecond || '-'} events per consumer CPU-second`,
    ...(result.stateBreakdown
      ? [
          `   accounts: ${result.stateBreakdown.final} at the final version, ${result.stateBreakdown.behind} behind, ` +
            `${result.stateBreakdown.missing} without any state, ${result.stateBreakdown.parked} parked for retry`,
        ]
      : []),
    `   CyberArk: ${result.cyberArk.requests} requests, ${result.cyberArk.writes} writes ` +
      `(${result.cyberArk.creates} POST, ${result.cyberArk.patches} PATCH, ${result.cyberArk.secretUpdates} password, ` +
      `${result.cyberArk.otherWrites} other), ${result.cyberArk.reads} reads, failures ${JSON.stringify(result.cyberArk.failures)}; ` +
      `${result.cyberArk.writesPerAppliedVersion} writes per applied version (${result.cyberArk.appliedVersions} applied)`,
    `   resources: ${result.resources.roles
      .map((role) => `${role.role} ${role.cpuSeconds} CPU-s (${Math.round(role.coreShare * 100)}% of a core)`)
      .join(', ')}; machine ${Math.round(result.resources.machineBusyShare * 100)}% busy`,
    `   consumer memory: peak RSS ${result.consumerPeakRssMiB} MiB (start-up peak ${consumerUsage(result)?.startupPeakRssMiB ?? '-'} MiB, ` +
      `RSS ${consumerUsage(result)?.rssAtStartMiB ?? '-'} MiB when consuming began; per second: ${(consumerUsage(result)?.rssTimelineMiB ?? []).join(' ')})`,
  ];
  if (result.inFlight?.ceilingEventsPerSecond) {
    lines.push(
      `   ceiling: min(${result.sizes.tenants} × ${result.inFlight.perTenant}, ${result.inFlight.global}) = ${result.inFlight.effective} in flight / ` +
        `${result.sizes.latencyMs} ms = ${result.inFlight.ceilingEventsPerSecond} events/s`,
    );
  }
  if (result.service) {
    lines.push(
      `   service: counted ${result.service.cyberArkWrites} CyberArk writes (simulator saw ${result.cyberArk.writes}), ` +
        `outcomes ${JSON.stringify(result.service.outcomes)}, late applied ${result.service.lateApplied}, ` +
        `retry worker ${JSON.stringify(result.service.retryAttempts)}, CyberArk retries ${result.service.cyberArkRetries}, ` +
        `pending at end ${result.pendingAtEnd ?? '-'}, dead letters ${result.service.deadLetters}`,
    );
    const histogram = (
      label: string,
      summary: HistogramSummary | undefined,
      unit: number,
      suffix: string,
    ): string =>
      summary
        ? `${label} n=${summary.count} mean ${(summary.mean * unit).toFixed(1)}${suffix} p50 ${(summary.p50 * unit).toFixed(1)}${suffix} ` +
          `p90 ${(summary.p90 * unit).toFixed(1)}${suffix} p99 ${(summary.p99 * unit).toFixed(1)}${suffix}`
        : `${label} -`;
    lines.push(
      `   ${histogram('CyberArk request', result.service.cyberArkRequestSeconds, 1_000, ' ms')}; ` +
        `${histogram('batch', result.service.batchSeconds, 1, ' s')}; ${histogram('records/batch', result.service.batchRecords, 1, '')}`,
    );
  }
  const noisy = Object.entries(result.logCounts)
    .filter(([key]) => /^(warn|error|fatal) /.test(key) || /parked|late write/.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6);
  if (noisy.length > 0)
    lines.push(`   log lines: ${noisy.map(([key, count]) => `${count}× "${key}"`).join(', ')}`);
  return lines.join('\n');
}

function consumerUsage(result: ScenarioResult): ScenarioResult['resources']['roles'][number] | undefined {
  return result.resources.roles.find((role) => role.role === 'consumer');
}

function describeProfile(profile: ProfileSummary): string {
  const top = (entries: ProfileSummary['areas']): string =>
    entries
      .slice(0, 12)
      .map(
        (entry) =>
          `     ${(entry.share * 100).toFixed(1).padStart(5)} %  ${String(entry.ms).padStart(6)} ms  ${entry.name}`,
      )
      .join('\n');
  return [
    `   CPU profile ${profile.file} (${profile.busyMs} ms busy, ${profile.idleMs} ms idle), self time by area:`,
    top(profile.areas),
    '   hottest functions:',
    top(profile.functions),
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
