import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRuntime, type OutputStream } from '../../src/cli/cli-runtime';

export const START = Date.parse('2026-12-03T12:00:00Z');

export interface FakeRuntimeOptions {
  readonly env?: Record<string, string | undefined>;
  /** Without it, the runtime has no XDG_RUNTIME_DIR (the token is not kept). */
  readonly withRuntimeDir?: boolean;
  readonly stdinIsTTY?: boolean;
  readonly stdin?: string;
  readonly confirm?: (message: string) => Promise<boolean>;
  readonly secret?: (message: string) => Promise<string>;
  /** Called at each sleep with its number (1-based), e.g. to press Ctrl-C. */
  readonly onSleep?: (count: number, runtime: FakeRuntime) => void;
  readonly fetch?: typeof fetch;
}

export interface FakeRuntime extends CliRuntime {
  readonly dirs: { readonly home: string; readonly config: string; readonly runtime: string | undefined };
  readonly sleeps: number[];
  readonly prompted: string[];
  out(): string;
  err(): string;
  /** Ctrl-C. */
  interrupt(): void;
  cleanUp(): void;
}

/** A runtime with captured streams, a clock that moves only when the CLI sleeps, and temp dirs. */
export function fakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const base = mkdtempSync(join(tmpdir(), 'vb-cli-'));
  const dirs = {
    home: join(base, 'home'),
    config: join(base, 'config'),
    runtime: options.withRuntimeDir === true ? join(base, 'run') : undefined,
  };
  let now = START;
  let stdout = '';
  let stderr = '';
  const handlers = new Set<() => void>();
  const sleeps: number[] = [];
  const prompted: string[] = [];
  const stream = (write: (text: string) => void): OutputStream => ({ isTTY: false, write });
  const runtime: FakeRuntime = {
    env: { XDG_CONFIG_HOME: dirs.config, XDG_RUNTIME_DIR: dirs.runtime, ...options.env },
    homeDir: dirs.home,
    dirs,
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    stdin: { isTTY: options.stdinIsTTY ?? false, readAll: async () => options.stdin ?? '' },
    prompts: {
      confirm: async (message) => {
        prompted.push(message);
        return (options.confirm ?? (async () => false))(message);
      },
      secret: async (message) => {
        prompted.push(message);
        return (options.secret ?? (async () => ''))(message);
      },
    },
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now: () => now,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      options.onSleep?.(sleeps.length, runtime);
      if (signal?.aborted === true) throw new DOMException('aborted', 'AbortError');
      now += ms;
    },
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    sleeps,
    prompted,
    out: () => stdout,
    err: () => stderr,
    interrupt: () => handlers.forEach((handler) => handler()),
    cleanUp: () => rmSync(base, { recursive: true, force: true }),
  };
  return runtime;
}

/** An unsigned JWT with these claims (the CLI decodes, never verifies). */
export function fakeToken(claims: Record<string, unknown>, expiresInSeconds = 3_600): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { iat: START / 1_000, exp: START / 1_000 + expiresInSeconds, ...claims };
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}.c2lnbmF0dXJl`;
}
