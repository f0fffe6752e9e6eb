import { type ScenarioName } from '../support/bench-settings';
import { type HistogramSummary } from '../support/prometheus-text';
import { type ProfileSummary } from '../support/cpu-profile-summary';
import { type SamplerReport } from '../support/process-sampler';
import { type CyberArkTraffic } from '../support/simulator-traffic';

export interface ScenarioSizes {
  readonly accounts: number;
  readonly updatesPerAccount: number;
  readonly events: number;
  readonly tenants: number;
  readonly partitions: number;
  readonly simulators: number;
  readonly latencyMs: number;
}

export interface InFlightCaps {
  readonly perTenant: number;
  readonly global: number;
  /** min(tenants × perTenant, global): CyberArk calls that can be in flight at once. */
  readonly effective: number;
  /** effective ÷ latency: the most events/s any design with these caps can reach (one call per event). */
  readonly ceilingEventsPerSecond?: number;
}

export interface ServiceCounters {
  readonly cyberArkWrites: number;
  readonly appliedVersions: number;
  /** Writes that finished after their record was parked (not in the two counters above). */
  readonly lateApplied: number;
  readonly tokenRequests: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly deadLetters: number;
  /** HTTP attempts the CyberArk client retried. */
  readonly cyberArkRetries: number;
  readonly retryAttempts: Readonly<Record<string, number>>;
  /** Seconds per CyberArk HTTP attempt, as the service's client measured them. */
  readonly cyberArkRequestSeconds?: HistogramSummary;
  /** Seconds from a Kafka batch's arrival to its commit. */
  readonly batchSeconds?: HistogramSummary;
  readonly batchRecords?: HistogramSummary;
}

export interface ScenarioResult {
  readonly scenario: ScenarioName;
  readonly title: string;
  readonly consumer: string;
  /** How the consumer ran (dist / source). */
  readonly launch: string;
  readonly completed: boolean;
  readonly error?: string;
  readonly warnings: readonly string[];
  readonly sizes: ScenarioSizes;
  readonly inFlight?: InFlightCaps;
  readonly timing: {
    readonly produceSeconds: number;
    /** Spawn until the consumer joined its group (not measured as throughput). */
    readonly startupSeconds: number;
    /** Group joined until every account's final version was stored. */
    readonly consumeSeconds: number;
    readonly firstStateAfterSeconds?: number;
  };
  readonly eventsPerSecond: number;
  /** Events per CPU-second of the consumer process: its single-thread ceiling, whatever else loads the machine. */
  readonly eventsPerConsumerCpuSecond: number;
  readonly appliedAccounts: number;
  /** Where the accounts stand when a run did not complete. */
  readonly stateBreakdown?: StateBreakdown;
  readonly cyberArk: CyberArkTraffic & {
    readonly writes: number;
    /** Versions that reached CyberArk (service counters incl. late writes; naive: its writes). */
    readonly appliedVersions: number;
    readonly writesPerAppliedVersion: number;
    readonly maxTokenRequestsPerTenant: number;
    readonly tenantsWithoutToken: number;
  };
  readonly service?: ServiceCounters;
  readonly pendingAtEnd?: number;
  readonly resources: SamplerReport;
  /** Peak RSS (VmHWM) of the consumer process, startup included. */
  readonly consumerPeakRssMiB: number;
  readonly machine: {
    readonly cores: number;
    readonly loadBefore: readonly number[];
    readonly loadAfter: readonly number[];
  };
  readonly logCounts: Readonly<Record<string, number>>;
  readonly timeline: readonly { readonly seconds: number; readonly applied: number }[];
  readonly profile?: ProfileSummary;
}

export interface StateBreakdown {
  /** At the final version. */
  readonly final: number;
  /** Stored, but at an older version. */
  readonly behind: number;
  /** No state row at all. */
  readonly missing: number;
  /** Parked in pending_backup (the retry worker will get to them). */
  readonly parked: number;
}

export interface AppliedProgress {
  readonly doneAt?: number;
  readonly firstAt?: number;
  readonly applied: number;
  readonly timeline: { seconds: number; applied: number }[];
  readonly stoppedBy?: string;
}

/**
 * Polls the state table until every account carries its final version, the deadline passes or
 * the consumer exits. Light on purpose (one indexed count every 100 ms).
 */
export async function waitForApplied(options: {
  readonly count: () => Promise<number>;
  readonly expected: number;
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** Give up when nothing changed for this long (the run is stuck; waiting longer only burns the budget). */
  readonly stallMs: number;
  /** True while work that may still complete is waiting (e.g. parked records in their retry backoff). */
  readonly stillWorking?: () => Promise<boolean>;
  readonly exited: Promise<unknown>;
}): Promise<AppliedProgress> {
  let exited = false;
  void options.exited.then(() => (exited = true));
  const timeline: { seconds: number; applied: number }[] = [];
  let firstAt: number | undefined;
  let lastMark = 0;
  let lastChange = options.startedAt;
  let previous = -1;
  for (;;) {
    const applied = await options.count();
    const now = performance.now();
    if (applied !== previous) {
      previous = applied;
      lastChange = now;
    }
    if (applied > 0 && firstAt === undefined) firstAt = now;
    if (now - lastMark >= 1_000 || applied >= options.expected) {
      timeline.push({ seconds: Number(((now - options.startedAt) / 1_000).toFixed(2)), applied });
      lastMark = now;
    }
    if (applied >= options.expected)
      return { doneAt: now, ...(firstAt ? { firstAt } : {}), applied, timeline };
    if (exited)
      return { ...(firstAt ? { firstAt } : {}), applied, timeline, stoppedBy: 'the consumer exited' };
    if (applied > 0 && now - lastChange > options.stallMs && !(await options.stillWorking?.())) {
      return {
        ...(firstAt ? { firstAt } : {}),
        applied,
        timeline,
        stoppedBy: `no progress for ${Math.round(options.stallMs / 1_000)} s`,
      };
    }
    if (now - options.startedAt > options.timeoutMs) {
      return {
        ...(firstAt ? { firstAt } : {}),
        applied,
        timeline,
        stoppedBy: `timed out after ${Math.round(options.timeoutMs / 1_000)} s`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Rejects after `ms` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1_000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
