import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@vault-backup/testing';
import { BenchEnvironment } from '../support/bench-environment';
import { type BenchSettings } from '../support/bench-settings';
import { freePort, spawnNodeChild } from '../support/node-child';
import { type MetricsSnapshot, summarizeHistogram } from '../support/prometheus-text';
import { serviceEnv, serviceLaunch } from '../support/service-launch';
import { measureConsumer } from './measure-consumer';
import { type InFlightCaps, type ScenarioResult } from './scenario-result';

const METRIC = 'vault_backup_';
const LATE_WRITE_MESSAGE = 'late write finished after its record was parked';

/**
 * The real service as a child process (compiled output when built) on pre-produced events:
 * `cpu` with CyberArk answering at once (CPU-bound, PostgreSQL state included), `latency` with a
 * fixed CyberArk latency (bound by the in-flight caps).
 */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export async function runPipelineScenario(
  settings: BenchSettings,
  scenario: 'cpu' | 'latency',
  runId: string,
): Promise<ScenarioResult> {
  const latencyMs = scenario === 'latency' ? settings.latencyMs : 0;
  const environment = await BenchEnvironment.create({
    label: scenario,
    tenants: settings.tenants,
    partitions: settings.partitions,
    simulators: settings.simulators,
    latencyMs,
  });
  try {
    const produced = await environment.produce(settings.accounts, settings.updatesPerAccount);
    const port = await freePort();
    const launch = serviceLaunch();
    const profileDirectory = settings.cpuProfile
      ? join(REPO_ROOT, 'bench', 'results', 'profiles', `${runId}-${scenario}`)
      : undefined;
    if (profileDirectory) mkdirSync(profileDirectory, { recursive: true });
    const effective = Math.min(settings.tenants * settings.tenantMaxInFlight, settings.maxInFlight);
    const inFlight: InFlightCaps = {
      perTenant: settings.tenantMaxInFlight,
      global: settings.maxInFlight,
      effective,
      ...(latencyMs > 0 ? { ceilingEventsPerSecond: Math.round(effective / (latencyMs / 1_000)) } : {}),
    };
    let lateApplied = 0;
    return await measureConsumer({
      scenario,
      title:
        scenario === 'cpu'
          ? 'A: service, CyberArk 0 ms (CPU-bound)'
          : `B: service, CyberArk ${latencyMs} ms (latency-bound)`,
      consumer: 'vault-backup service',
      launch: launch.mode,
      warnings: launch.warning ? [launch.warning] : [],
      environment,
      produced,
      sizes: {
        accounts: settings.accounts,
        updatesPerAccount: settings.updatesPerAccount,
        events: produced.events,
        tenants: settings.tenants,
        partitions: settings.partitions,
        simulators: settings.simulators,
        latencyMs,
      },
      inFlight,
      stateTable: 'account_backup_state',
      timeoutMs: settings.scenarioTimeoutMs,
      stallMs: settings.stallMs,
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      ...(profileDirectory ? { profileDirectory } : {}),
      spawn: () =>
        spawnNodeChild({
          label: 'vault-backup service',
          args: [
            ...(profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : []),
            ...settings.serviceNodeFlags,
            ...launch.args,
          ],
          env: serviceEnv(environment, {
            port,
            tenantMaxInFlight: settings.tenantMaxInFlight,
            maxInFlight: settings.maxInFlight,
            extra: settings.serviceEnv,
          }),
          readyWhen: (line) => line.msg === 'joined consumer group',
          onLine: (line) => {
            if (line.msg === LATE_WRITE_MESSAGE && line.outcome === 'applied') lateApplied += 1;
          },
        }),
      counters: (metrics: MetricsSnapshot) => ({
        cyberArkWrites: metrics.sum(`${METRIC}cyberark_writes_total`),
        appliedVersions: metrics.sum(`${METRIC}applied_versions_total`),
        lateApplied,
        tokenRequests: metrics.sumBy(`${METRIC}cyberark_token_requests_total`, 'outcome'),
        outcomes: metrics.sumBy(`${METRIC}events_processed_total`, 'outcome'),
        deadLetters: metrics.sum(`${METRIC}dead_letter_total`),
        cyberArkRetries: metrics.sum(`${METRIC}cyberark_retries_total`),
        retryAttempts: metrics.sumBy(`${METRIC}retry_attempts_total`, 'outcome'),
        ...optional(
          'cyberArkRequestSeconds',
          summarizeHistogram(metrics, `${METRIC}cyberark_request_duration_seconds`),
        ),
        ...optional('batchSeconds', summarizeHistogram(metrics, `${METRIC}batch_duration_seconds`)),
        ...optional('batchRecords', summarizeHistogram(metrics, `${METRIC}batch_records`)),
      }),
    });
  } finally {
    await environment.close({ keepDatabase: settings.keepDatabase });
  }
}
