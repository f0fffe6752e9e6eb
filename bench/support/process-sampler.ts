import { busyShare, cpuSecondsOf, machineCpu, type MachineCpu, memoryOf } from './proc-stats';

export interface RoleUsage {
  readonly role: string;
  readonly pids: readonly number[];
  /** CPU seconds spent by the role's processes while the sampler ran. */
  readonly cpuSeconds: number;
  /** Share of one core over the sampled interval. */
  readonly coreShare: number;
  /** Highest VmHWM seen (the kernel's peak RSS since the process started), summed over the role's processes. */
  readonly peakRssMiB: number;
  /** VmHWM when consumption started: the peak of start-up alone. */
  readonly startupPeakRssMiB: number;
  /** VmRSS when consumption started. */
  readonly rssAtStartMiB: number;
  /** VmRSS about once a second while the sampler ran. */
  readonly rssTimelineMiB: readonly number[];
}

export interface SamplerReport {
  readonly seconds: number;
  /** Share of all cores busy over the interval, whoever used them. */
  readonly machineBusyShare: number;
  readonly roles: readonly RoleUsage[];
}

interface Tracked {
  readonly role: string;
  readonly pid: number;
  readonly cpuAtStart: number;
  cpuLast: number;
  hwmKiB: number;
  hwmAtStartKiB: number;
  rssAtStartKiB: number;
  rssKiB: number;
  readonly rssTimelineKiB: number[];
}

/**
 * Samples CPU and peak memory of the processes taking part in a run (service, simulators, the
 * database backends of the run's database, the Kafka broker). CPU is a delta from `start()`; peak
 * memory is the kernel's high-water mark, so it must be read (stop()) before a process exits.
 */
export class ProcessSampler {
  private readonly tracked = new Map<number, Tracked>();
  private readonly groups: { role: string; pids: () => Promise<readonly number[]> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private machineAtStart: MachineCpu | undefined;
  private groupPoll: Promise<void> = Promise.resolve();
  private ticks = 0;

  constructor(private readonly intervalMs = 200) {}

  watch(role: string, pid: number): void {
    if (this.tracked.has(pid)) return;
    const cpu = cpuSecondsOf(pid);
    if (cpu === undefined) return;
    // A process that appears after start() is counted from zero: it was created during the run.
    const cpuAtStart = this.timer === undefined ? cpu : 0;
    const memory = memoryOf(pid);
    this.tracked.set(pid, {
      role,
      pid,
      cpuAtStart,
      cpuLast: cpu,
      hwmKiB: memory?.hwmKiB ?? 0,
      hwmAtStartKiB: memory?.hwmKiB ?? 0,
      rssAtStartKiB: memory?.rssKiB ?? 0,
      rssKiB: memory?.rssKiB ?? 0,
      rssTimelineKiB: [],
    });
  }

  /** A role whose processes come and go (e.g. PostgreSQL backends); polled about once a second. */
  watchGroup(role: string, pids: () => Promise<readonly number[]>): void {
    this.groups.push({ role, pids });
  }

  async start(): Promise<void> {
    await this.pollGroups();
    for (const item of this.tracked.values()) {
      const cpu = cpuSecondsOf(item.pid);
      const memory = memoryOf(item.pid);
      if (cpu !== undefined) {
        this.tracked.set(item.pid, {
          ...item,
          cpuAtStart: cpu,
          cpuLast: cpu,
          hwmKiB: memory?.hwmKiB ?? item.hwmKiB,
          hwmAtStartKiB: memory?.hwmKiB ?? item.hwmKiB,
          rssAtStartKiB: memory?.rssKiB ?? item.rssKiB,
        });
      }
    }
    this.startedAt = performance.now();
    this.machineAtStart = machineCpu();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  async stop(): Promise<SamplerReport> {
    if (this.timer) clearInterval(this.timer);
    await this.groupPoll;
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1_000;
    const machineBusy = this.machineAtStart ? busyShare(this.machineAtStart, machineCpu()) : 0;
    const byRole = new Map<string, Tracked[]>();
    for (const item of this.tracked.values()) byRole.set(item.role, [...(byRole.get(item.role) ?? []), item]);
    const roles = [...byRole].map(([role, items]): RoleUsage => {
      const cpuSeconds = items.reduce((sum, item) => sum + Math.max(0, item.cpuLast - item.cpuAtStart), 0);
      return {
        role,
        pids: items.map((item) => item.pid),
        cpuSeconds: round(cpuSeconds, 2),
        coreShare: round(seconds > 0 ? cpuSeconds / seconds : 0, 2),
        peakRssMiB: mib(items, (item) => item.hwmKiB),
        startupPeakRssMiB: mib(items, (item) => item.hwmAtStartKiB),
        rssAtStartMiB: mib(items, (item) => item.rssAtStartKiB),
        rssTimelineMiB: (items[0]?.rssTimelineKiB ?? []).map((_, index) =>
          round(items.reduce((sum, item) => sum + (item.rssTimelineKiB[index] ?? 0), 0) / 1_024, 0),
        ),
      };
    });
    return { seconds: round(seconds, 2), machineBusyShare: round(machineBusy, 2), roles };
  }

  private sample(): void {
    for (const item of this.tracked.values()) {
      const cpu = cpuSecondsOf(item.pid);
      if (cpu !== undefined) item.cpuLast = cpu;
      const memory = memoryOf(item.pid);
      if (memory) {
        item.hwmKiB = Math.max(item.hwmKiB, memory.hwmKiB, memory.rssKiB);
        item.rssKiB = memory.rssKiB;
      }
    }
    this.ticks += 1;
    if (this.ticks % Math.max(1, Math.round(1_000 / this.intervalMs)) === 0) {
      for (const item of this.tracked.values()) item.rssTimelineKiB.push(item.rssKiB);
    }
    if (this.groups.length > 0 && this.ticks % Math.max(1, Math.round(1_000 / this.intervalMs)) === 0) {
      this.groupPoll = this.groupPoll.then(() => this.pollGroups());
    }
  }

  private async pollGroups(): Promise<void> {
    for (const group of this.groups) {
      try {
        for (const pid of await group.pids()) this.watch(group.role, pid);
      } catch {
        // A failed poll only loses a little attribution; the run goes on.
      }
    }
  }
}

function mib(items: readonly Tracked[], field: (item: Tracked) => number): number {
  return round(items.reduce((sum, item) => sum + field(item), 0) / 1_024, 1);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
