import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@vault-backup/testing';

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Runs the real service entry point (main.ts) as a child process, for crash and signal tests. */
export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join('services', 'backup', 'src', 'main.ts')],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    kill: async (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
