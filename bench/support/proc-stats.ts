import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Linux /proc readers: CPU seconds and memory of a process, CPU of the whole machine. */

const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User + system CPU seconds consumed so far by `pid`, or undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields after the `(comm)` part; utime and stime are fields 14 and 15 of the whole line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export interface MemoryReading {
  /** Resident set size now. */
  readonly rssKiB: number;
  /** Peak resident set size since the process started (kernel high-water mark). */
  readonly hwmKiB: number;
}

export function memoryOf(pid: number): MemoryReading | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
  } catch {
    return undefined;
  }
}

export interface MachineCpu {
  /** Jiffies spent not idle (all cores). */
  readonly busy: number;
  readonly total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle + iowait
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the machine's CPU that was busy between two readings (1 = every core busy). */
export function busyShare(from: MachineCpu, to: MachineCpu): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : 0;
}

export function machineSummary(): { cores: number; loadAverage: readonly number[] } {
  return { cores: cpus().length, loadAverage: loadavg().map((value) => Number(value.toFixed(2))) };
}

/**
 * The Kafka broker process listening on `port` (found through the server.properties its command line
 * names), for reporting how much CPU the broker spent during a run. Undefined when not found.
 */
export function kafkaBrokerPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('kafka.Kafka')) continue;
    const properties = cmdline.split('\0').find((arg) => arg.endsWith('server.properties'));
    if (!properties) continue;
    try {
      if (readFileSync(properties, 'utf8').includes(`:${port}`)) return Number(entry);
    } catch {
      continue;
    }
  }
  return undefined;
}
