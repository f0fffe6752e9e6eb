import { requireBrokers } from '@vault-backup/testing';
import { type BenchEnvironment, type ProducedEvents } from '../support/bench-environment';
import { type ScenarioName } from '../support/bench-settings';
import { newestProfile, summarizeProfile } from '../support/cpu-profile-summary';
import { type NodeChild } from '../support/node-child';
import { kafkaBrokerPid, machineSummary } from '../support/proc-stats';
import { ProcessSampler, round } from '../support/process-sampler';
import { type MetricsSnapshot, scrapeMetrics } from '../support/prometheus-text';
import { readTraffic, writesOf } from '../support/simulator-traffic';
import {
  type InFlightCaps,
  type ScenarioResult,
  type ScenarioSizes,
  waitForApplied,
  within,
} from './scenario-result';

export const CONSUMER_ROLE = 'consumer';

export interface MeasureOptions {
  readonly scenario: ScenarioName;
  readonly title: string;
  readonly consumer: string;
  readonly launch: string;
  readonly warnings: readonly string[];
  readonly environment: BenchEnvironment;
  readonly produced: ProducedEvents;
  readonly sizes: ScenarioSizes;
  readonly inFlight?: InFlightCaps;
  /** Table whose `applied_version` says an account is done. */
  readonly stateTable: string;
  readonly timeoutMs: number;
  readonly stallMs: number;
  readonly spawn: () => NodeChild;
  /** The service's /metrics, read once the run is done. */
  readonly metricsUrl?: string;
  /** Turns the final metrics (and late writes counted from the logs) into the service counters. */
  readonly counters?: (metrics: MetricsSnapshot) => NonNullable<ScenarioResult['service']>;
  /** Where the child writes its --cpu-prof profile. */
  readonly profileDirectory?: string;
}

/**
 * Starts a consumer on pre-produced events and measures it: the clock runs from the moment it
 * joined its consumer group until every account's final version is stored; CPU is sampled over
 * the same interval, peak RSS over the consumer's whole life; CyberArk calls come from the
 * simulators' own request logs.
 */
export async function measureConsumer(options: MeasureOptions): Promise<ScenarioResult> {
  const { environment } = options;
  const spawnedAt = performance.now();
  const child = options.spawn();
  try {
    const sampler = new ProcessSampler();
    sampler.watch(CONSUMER_ROLE, child.pid);
    for (const simulator of environment.simulators) sampler.watch('cyberark simulator', simulator.pid);
    const brokerPort = Number(requireBrokers()[0]?.split(':').at(-1));
    const broker = kafkaBrokerPid(brokerPort);
    if (broker !== undefined) sampler.watch('kafka broker (shared)', broker);
    sampler.watchGroup('postgres (run database)', () => environment.databaseBackendPids());

    const readyAt = await within(child.ready, 120_000, `${options.consumer} joining its consumer group`);
    const loadBefore = machineSummary();
    await sampler.start();
    const progress = await waitForApplied({
      count: () => environment.appliedCount(options.produced.finalVersion, options.stateTable),
      expected: options.produced.accounts,
      startedAt: readyAt,
      timeoutMs: options.timeoutMs,
      stallMs: options.stallMs,
      ...(options.stateTable === 'account_backup_state'
        ? { stillWorking: async () => (await environment.pendingCount()) > 0 }
        : {}),
      exited: child.exited,
    });
    const metrics = options.metricsUrl
      ? await scrapeMetrics(options.metricsUrl).catch(() => undefined)
      : undefined;
    const resources = await sampler.stop();
    const consumer = resources.roles.find((role) => role.role === CONSUMER_ROLE);
    const loadAfter = machineSummary();
    const traffic = await readTraffic(
      environment.simulators,
      environment.tenants.map((tenant) => tenant.tenant),
    );
    const serviceState = options.stateTable === 'account_backup_state';
    const pendingAtEnd = serviceState ? await environment.pendingCount() : undefined;
    const stateBreakdown =
      serviceState && progress.doneAt === undefined
        ? await environment.stateBreakdown(options.produced.accounts, options.produced.finalVersion)
        : undefined;
    await child.stop();
    const profileFile = options.profileDirectory ? newestProfile(options.profileDirectory) : undefined;

    const service = metrics && options.counters ? options.counters(metrics) : undefined;
    const writes = writesOf(traffic);
    const appliedVersions = service ? service.appliedVersions + service.lateApplied : writes;
    const tokenCounts = Object.values(traffic.tokenRequestsByTenant);
    const consumeEnd = progress.doneAt ?? performance.now();
    const consumeSeconds = (consumeEnd - readyAt) / 1_000;
    return {
      scenario: options.scenario,
      title: options.title,
      consumer: options.consumer,
      launch: options.launch,
      completed: progress.doneAt !== undefined,
      ...(progress.stoppedBy
        ? {
            error: `${progress.stoppedBy} with ${progress.applied}/${options.produced.accounts} accounts done`,
          }
        : {}),
      warnings: [
        ...options.warnings,
        ...(traffic.truncated ? ['a simulator request log overflowed: call counts are low'] : []),
      ],
      sizes: options.sizes,
      ...(options.inFlight ? { inFlight: options.inFlight } : {}),
      timing: {
        produceSeconds: round(options.produced.seconds, 2),
        startupSeconds: round((readyAt - spawnedAt) / 1_000, 2),
        consumeSeconds: round(consumeSeconds, 2),
        ...(progress.firstAt
          ? { firstStateAfterSeconds: round((progress.firstAt - readyAt) / 1_000, 2) }
          : {}),
      },
      eventsPerSecond: progress.doneAt ? Math.round(options.produced.events / consumeSeconds) : 0,
      eventsPerConsumerCpuSecond:
        progress.doneAt && consumer && consumer.cpuSeconds > 0
          ? Math.round(options.produced.events / consumer.cpuSeconds)
          : 0,
      appliedAccounts: progress.applied,
      ...(stateBreakdown ? { stateBreakdown } : {}),
      cyberArk: {
        ...traffic,
        writes,
        appliedVersions,
        writesPerAppliedVersion: appliedVersions > 0 ? round(writes / appliedVersions, 3) : 0,
        maxTokenRequestsPerTenant: Math.max(0, ...tokenCounts),
        tenantsWithoutToken: tokenCounts.filter((count) => count === 0).length,
      },
      ...(service ? { service } : {}),
      ...(pendingAtEnd !== undefined ? { pendingAtEnd } : {}),
      resources,
      consumerPeakRssMiB: consumer?.peakRssMiB ?? 0,
      machine: {
        cores: loadBefore.cores,
        loadBefore: loadBefore.loadAverage,
        loadAfter: loadAfter.loadAverage,
      },
      logCounts: child.logCounts(),
      timeline: progress.timeline,
      ...(profileFile ? { profile: summarizeProfile(profileFile) } : {}),
    };
  } finally {
    await child.stop();
  }
}
