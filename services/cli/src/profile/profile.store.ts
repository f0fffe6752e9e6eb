import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliRuntime } from '../cli/cli-runtime';
import { CliError } from '../cli/cli.errors';
import { configDir } from './profile-paths';

/** What `login` remembers between commands: where and who, never a secret. */
export interface Profile {
  readonly apiUrl?: string;
  readonly issuer?: string;
  readonly clientId?: string;
  readonly workspace?: string;
  readonly role?: string;
}

const PROFILE_KEYS: readonly (keyof Profile)[] = ['apiUrl', 'issuer', 'clientId', 'workspace', 'role'];

export function profilePath(runtime: Pick<CliRuntime, 'env' | 'homeDir'>): string {
  return join(configDir(runtime), 'config.json');
}

export async function loadProfile(runtime: Pick<CliRuntime, 'env' | 'homeDir'>): Promise<Profile> {
  const path = profilePath(runtime);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return pickProfile(JSON.parse(text) as Record<string, unknown>);
  } catch {
    throw new CliError(`${path} is not valid JSON: fix or delete it, then run \`vault-backup login\``);
  }
}

export async function saveProfile(
  runtime: Pick<CliRuntime, 'env' | 'homeDir'>,
  profile: Profile,
): Promise<string> {
  const path = profilePath(runtime);
  await mkdir(configDir(runtime), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(pickProfile(profile), null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** Whitelist: only the known, non-secret keys are read or written. */
function pickProfile(source: object): Profile {
  const values = source as Readonly<Record<string, unknown>>;
  const entries = PROFILE_KEYS.flatMap((key) =>
    typeof values[key] === 'string' ? [[key, values[key]]] : [],
  );
  return Object.fromEntries(entries) as Profile;
}
