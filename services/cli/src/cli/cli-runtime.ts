/** Where the CLI writes; `isTTY` decides between a live progress line and plain lines. */
export interface OutputStream {
  readonly isTTY: boolean;
  write(text: string): void;
}

export interface Prompts {
  /** A yes/no question; the default answer is no. */
  confirm(message: string): Promise<boolean>;
  /** Hidden input (nothing echoed), for a client secret. */
  secret(message: string): Promise<string>;
}

/**
 * Everything the commands take from the outside world, so tests run them in-process with fake
 * streams, prompts, clock and sleep, and temporary config/runtime directories.
 */
export interface CliRuntime {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: { readonly isTTY: boolean; readAll(): Promise<string> };
  readonly prompts: Prompts;
  readonly fetch: typeof fetch;
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}
