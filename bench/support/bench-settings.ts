/**
 * Sizes and knobs of `npm run bench`, from the environment (BENCH_*) and the command line. Defaults
 * finish in well under five minutes on the 2-core dev machine; every target is computed from them.
 */

export type ScenarioName = 'cpu' | 'latency' | 'naive';

export const ALL_SCENARIOS: readonly ScenarioName[] = ['cpu', 'latency', 'naive'];

export interface BenchSettings {
  /** Accounts of the pipeline scenarios (each gets one create, then `updatesPerAccount` updates). */
  readonly accounts: number;
  readonly updatesPerAccount: number;
  readonly tenants: number;
  readonly partitions: number;
  /** CyberArk simulator processes; tenants are spread over them round-robin. */
  readonly simulators: number;
  /** Fixed CyberArk latency of the latency-bound scenario and of the naive baseline. */
  readonly latencyMs: number;
  readonly tenantMaxInFlight: number;
  readonly maxInFlight: number;
  /** Accounts of the naive baseline (it is ~100× slower, so it gets far fewer events). */
  readonly naiveAccounts: number;
  readonly scenarioTimeoutMs: number;
  /** A scenario stops early when no account completed for this long. */
  readonly stallMs: number;
  readonly scenarios: readonly ScenarioName[];
  /** Exit non-zero when a target is missed (`--no-fail` turns it off). */
  readonly failOnMiss: boolean;
  /** Run the service child with `--cpu-prof` and print where its CPU time went. */
  readonly cpuProfile: boolean;
  /** Extra environment for the service child: every `BENCH_SVC_<NAME>` becomes `<NAME>`. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** Extra Node flags for the service child (e.g. `--max-old-space-size=192`). */
  readonly serviceNodeFlags: readonly string[];
  /** Keep each scenario's database instead of dropping it (post-mortem). */
  readonly keepDatabase: boolean;
}

export interface BenchTargets {
  readonly naiveSpeedup: number;
  readonly ceilingShare: number;
  readonly cpuEventsPerSecond: number;
  readonly writesPerApplied: number;
  readonly tokenRequestsPerTenantPerLifetime: number;
  readonly peakRssMiB: number;
}

/** The targets (2 cores, everything local). */
export const TARGETS: BenchTargets = {
  naiveSpeedup: 50,
  ceilingShare: 0.8,
  cpuEventsPerSecond: 3_000,
  writesPerApplied: 1.05,
  tokenRequestsPerTenantPerLifetime: 1,
  peakRssMiB: 300,
};

const USAGE = `npm run bench [-- --no-fail] [--scenarios=cpu,latency,naive] [--cpu-prof]

Environment (defaults in brackets):
  BENCH_ACCOUNTS [10000]            accounts of the pipeline scenarios (1 create each)
  BENCH_UPDATES [1]                 updates per account, each changing one property
  BENCH_TENANTS [8]                 CyberArk tenants = workspaces
  BENCH_PARTITIONS [12]             partitions of each event topic
  BENCH_SIMULATORS [1]              CyberArk simulator processes
  BENCH_LATENCY_MS [50]             CyberArk latency of the latency and naive scenarios
  BENCH_TENANT_MAX_IN_FLIGHT [16]   BACKUP_TENANT_MAX_IN_FLIGHT of the service
  BENCH_MAX_IN_FLIGHT [256]         BACKUP_MAX_IN_FLIGHT of the service
  BENCH_NAIVE_ACCOUNTS [150]        accounts of the naive baseline
  BENCH_SCENARIO_TIMEOUT_S [90]     give up on a scenario after this long
  BENCH_STALL_S [30]                ... or when no account completed for this long and none is parked
  BENCH_SCENARIOS [cpu,latency,naive]
  BENCH_CPU_PROF [0]                1: --cpu-prof on the service child, top functions printed
  BENCH_SVC_<NAME>=<value>          passed to the service as <NAME>=<value> (experiments)
  BENCH_NODE_FLAGS                  extra Node flags for the service child, e.g. --max-old-space-size=192
  BENCH_KEEP_DB [0]                 1: keep each scenario's database (its URL is printed)`;

export function parseBenchSettings(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): BenchSettings | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const unknown = argv.filter(
    (arg) => !['--no-fail', '--cpu-prof'].includes(arg) && !arg.startsWith('--scenarios='),
  );
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}`);
  const scenarioArg = argv.find((arg) => arg.startsWith('--scenarios='))?.slice('--scenarios='.length);
  return {
    accounts: intFrom(env, 'BENCH_ACCOUNTS', 10_000, 1),
    updatesPerAccount: intFrom(env, 'BENCH_UPDATES', 1, 0),
    tenants: intFrom(env, 'BENCH_TENANTS', 8, 1),
    partitions: intFrom(env, 'BENCH_PARTITIONS', 12, 1),
    simulators: intFrom(env, 'BENCH_SIMULATORS', 1, 1),
    latencyMs: intFrom(env, 'BENCH_LATENCY_MS', 50, 1),
    tenantMaxInFlight: intFrom(env, 'BENCH_TENANT_MAX_IN_FLIGHT', 16, 1),
    maxInFlight: intFrom(env, 'BENCH_MAX_IN_FLIGHT', 256, 1),
    naiveAccounts: intFrom(env, 'BENCH_NAIVE_ACCOUNTS', 150, 1),
    scenarioTimeoutMs: intFrom(env, 'BENCH_SCENARIO_TIMEOUT_S', 90, 10) * 1_000,
    stallMs: intFrom(env, 'BENCH_STALL_S', 30, 5) * 1_000,
    scenarios: parseScenarios(scenarioArg ?? env.BENCH_SCENARIOS),
    failOnMiss: !argv.includes('--no-fail'),
    cpuProfile: argv.includes('--cpu-prof') || env.BENCH_CPU_PROF === '1',
    serviceEnv: Object.fromEntries(
      Object.entries(env)
        .filter(
          (entry): entry is [string, string] => entry[0].startsWith('BENCH_SVC_') && entry[1] !== undefined,
        )
        .map(([name, value]) => [name.slice('BENCH_SVC_'.length), value]),
    ),
    serviceNodeFlags: (env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
    keepDatabase: env.BENCH_KEEP_DB === '1',
  };
}

export function benchUsage(): string {
  return USAGE;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

function parseScenarios(raw: string | undefined): ScenarioName[] {
  if (raw === undefined || raw.trim() === '') return [...ALL_SCENARIOS];
  const names = raw.split(',').map((name) => name.trim());
  const wrong = names.filter((name) => !(ALL_SCENARIOS as readonly string[]).includes(name));
  if (wrong.length > 0)
    throw new Error(`unknown scenario(s) ${wrong.join(', ')}; use ${ALL_SCENARIOS.join(',')}`);
  return ALL_SCENARIOS.filter((name) => names.includes(name));
}
