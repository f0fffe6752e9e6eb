import { join } from 'node:path';
import { type CliRuntime } from '../cli/cli-runtime';

const APP_DIR = 'vault-backup';

/** `$XDG_CONFIG_HOME/vault-backup` (XDG Base Directory), else `~/.config/vault-backup`. */
export function configDir(runtime: Pick<CliRuntime, 'env' | 'homeDir'>): string {
  const base = nonEmpty(runtime.env.XDG_CONFIG_HOME) ?? join(runtime.homeDir, '.config');
  return join(base, APP_DIR);
}

/**
 * `$XDG_RUNTIME_DIR/vault-backup`: a per-user tmpfs (mode 0700, emptied at logout), the only place
 * the token may be kept. Undefined when the session has no runtime dir: then it is not kept at all.
 */
export function runtimeDir(runtime: Pick<CliRuntime, 'env'>): string | undefined {
  const base = nonEmpty(runtime.env.XDG_RUNTIME_DIR);
  return base === undefined ? undefined : join(base, APP_DIR);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
