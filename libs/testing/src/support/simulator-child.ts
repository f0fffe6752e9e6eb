import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type Readable, type Writable } from 'node:stream';

export interface SimulatorChildOptions<R> {
  /** Prefixes the child's stray stdout lines on our stderr, e.g. `key-vault-simulator`. */
  name: string;
  /** Relative to `cwd`, run with `node -r @swc-node/register`. */
  entryPoint: string;
  cwd: string;
  /** Merged over this process's environment. */
  env: Record<string, string>;
  /** The ready line, or undefined for any other stdout line (which is passed on to stderr). */
  parseReady(line: string): R | undefined;
  startTimeoutMs: number;
  /** The simulator's own start error, with this message. */
  startError(message: string): Error;
}

export interface SimulatorChild<R> {
  pid: number;
  ready: R;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * Starts a simulator as a child process (`node -r @swc-node/register <entryPoint>`) and waits for
 * its JSON ready line on stdout. Its stderr is passed through, and its tail ends up in the start
 * error if it exits or stays silent. The child's stdin stays open: simulators told to exit on
 * stdin's end go down with this process even when nobody calls `stop()`.
 */
export async function startSimulatorChild<R>(options: SimulatorChildOptions<R>): Promise<SimulatorChild<R>> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', options.entryPoint], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail = collectTail(child.stderr);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  try {
    const ready = await waitForReady(child, exited, options, stderrTail);
    return { pid: child.pid as number, ready, stop: () => terminate(child, exited) };
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
}

/**
 * The ready line's JSON when it has `event` and passes `complete`, else undefined; a cheap
 * substring test first, since most stdout lines are not it.
 */
export function parseReadyLine<R extends { event: string }>(
  line: string,
  event: string,
  complete: (parsed: Partial<R>) => boolean,
): R | undefined {
  if (!line.includes(event)) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<R>;
    return parsed.event === event && complete(parsed) ? (parsed as R) : undefined;
  } catch {
    return undefined;
  }
}

function collectTail(stream: Readable, limit = 4096): () => string {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-limit);
    process.stderr.write(chunk);
  });
  return () => tail;
}

function waitForReady<R>(
  child: Child,
  exited: Promise<void>,
  options: SimulatorChildOptions<R>,
  stderrTail: () => string,
): Promise<R> {
  const { startTimeoutMs: timeoutMs } = options;
  return new Promise((resolveReady, reject) => {
    // Keep draining stdout after the ready line, or the child would block once the pipe fills.
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(
      () => reject(options.startError(`simulator not ready after ${timeoutMs} ms: ${stderrTail()}`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      const ready = options.parseReady(line);
      if (ready === undefined) {
        process.stderr.write(`[${options.name}] ${line}\n`);
        return;
      }
      clearTimeout(timer);
      resolveReady(ready);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        options.startError(
          `simulator exited with code ${String(child.exitCode)} before listening: ${stderrTail()}`,
        ),
      );
    });
  });
}

async function terminate(child: Child, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(killTimer);
  child.stdin.destroy();
}
