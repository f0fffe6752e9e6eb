import { homedir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { type CliRuntime, type OutputStream } from './cli-runtime';

/** The real runtime: process streams, the inquirer prompts (loaded only when a prompt is needed). */
export function nodeRuntime(): CliRuntime {
  return {
    env: process.env,
    homeDir: homedir(),
    stdout: streamOf(process.stdout),
    stderr: streamOf(process.stderr),
    stdin: { isTTY: process.stdin.isTTY === true, readAll: () => readStdin() },
    prompts: {
      confirm: async (message) => {
        const { default: confirm } = await import('@inquirer/confirm');
        return confirm({ message, default: false }, { output: process.stderr });
      },
      secret: async (message) => {
        const { default: password } = await import('@inquirer/password');
        return password({ message }, { output: process.stderr });
      },
    },
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

function streamOf(stream: NodeJS.WriteStream): OutputStream {
  // A reader that went away (`vault-backup … | head`) is not an error worth a stack trace.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return { isTTY: stream.isTTY === true, write: (text) => void stream.write(text) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
