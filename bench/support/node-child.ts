import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { type Readable } from 'node:stream';
import { REPO_ROOT } from '@vault-backup/testing';

/** A JSON log line of a pino logger (or any JSON line a child prints). */
export type LogLine = Readonly<Record<string, unknown>>;

export interface NodeChildOptions {
  /** For messages only. */
  readonly label: string;
  /** Arguments after the node binary (flags, then the entry point). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The line that says the child is consuming; its arrival time starts the clock. */
  readonly readyWhen: (line: LogLine) => boolean;
  /** Sees every JSON line (e.g. to count a particular log event). */
  readonly onLine?: (line: LogLine) => void;
}

export interface NodeChild {
  readonly pid: number;
  /** performance.now() at which the ready line arrived. */
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
  /** The last lines of output, for failures. */
  tail(): string;
  /** Log lines by `level msg` (pino levels: 30 info, 40 warn, 50 error). */
  logCounts(): Readonly<Record<string, number>>;
  /** SIGTERM (graceful: a --cpu-prof profile is written), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Runs a Node 24 child from the repository root and follows its JSON output. */
export function spawnNodeChild(options: NodeChildOptions): NodeChild {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [...options.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  const remember = (line: string): void => {
    lines.push(line);
    if (lines.length > 60) lines.shift();
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      const parsed = parseJson(line);
      if (!parsed) return;
      const text =
        typeof parsed.msg === 'string' ? parsed.msg : typeof parsed.event === 'string' ? parsed.event : '';
      const level =
        typeof parsed.level === 'string' ? parsed.level.toLowerCase() : LEVELS[Number(parsed.level)];
      // Warnings and errors are counted per reason too: that is where a run's trouble shows.
      const reason =
        (level === 'warn' || level === 'error') && typeof parsed.reason === 'string'
          ? ` (${parsed.reason.slice(0, 160)})`
          : '';
      // Parked and dead-lettered records are counted per failure code: why records park is the question.
      const failure = parsed.failure as { code?: unknown } | undefined;
      const code = typeof failure?.code === 'string' ? ` [${failure.code}]` : '';
      const key = `${level ?? '-'} ${text}${reason}${code}`;
      counts[key] = (counts[key] ?? 0) + 1;
      options.onLine?.(parsed);
      if (options.readyWhen(parsed)) resolve(performance.now());
    });
    createInterface({ input: child.stderr }).on('line', remember);
    void exited.then((code) =>
      reject(
        new Error(`${options.label} exited (code ${String(code)}) before it was ready:\n${lines.join('\n')}`),
      ),
    );
  });
  // The exit rejection is also seen by whoever awaits `ready`; this only keeps it from being unhandled.
  ready.catch(() => undefined);
  return {
    pid: child.pid as number,
    ready,
    exited,
    tail: () => lines.join('\n'),
    logCounts: () => ({ ...counts }),
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function parseJson(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP port nobody listens on right now (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
