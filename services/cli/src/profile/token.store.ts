import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliRuntime } from '../cli/cli-runtime';
import { runtimeDir } from './profile-paths';

export const TOKEN_ENV = 'VAULT_BACKUP_TOKEN';

/**
 * The access token lives only in the per-user runtime dir (tmpfs, gone at logout): never in the
 * config dir, which is on disk and often backed up. Returns where it went, or undefined when the
 * session has no runtime dir (then it is not kept, and VAULT_BACKUP_TOKEN must carry it).
 */
export async function saveToken(
  runtime: Pick<CliRuntime, 'env'>,
  token: string,
): Promise<string | undefined> {
  const dir = runtimeDir(runtime);
  if (dir === undefined) return undefined;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const path = join(dir, 'token');
  // Remove first: writeFile's mode applies only to a new file.
  await rm(path, { force: true });
  await writeFile(path, token, { mode: 0o600 });
  return path;
}

/** VAULT_BACKUP_TOKEN always wins over a saved token. */
export async function loadToken(runtime: Pick<CliRuntime, 'env'>): Promise<string | undefined> {
  const fromEnv = runtime.env[TOKEN_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const dir = runtimeDir(runtime);
  if (dir === undefined) return undefined;
  try {
    const saved = (await readFile(join(dir, 'token'), 'utf8')).trim();
    return saved === '' ? undefined : saved;
  } catch {
    return undefined;
  }
}
