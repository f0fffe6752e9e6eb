import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const STATE_DIR = process.env.VAULT_BACKUP_STATE_DIR ?? join(REPO_ROOT, '.local-stack');
/** Written by the jest global setup, read by every test worker. */
export const TEST_STACK_ENV_FILE = join(STATE_DIR, 'test-stack.env');

export interface StackEnv {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  KAFKA4_BROKERS?: string;
}

/** Parses `export KEY=value` / `KEY=value` lines, as written by deploy/local/stack.sh. */
export function parseEnvFile(text: string): Record<string, string> {
  const entries: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    entries.push([match[1], match[2].replace(/^['"]|['"]$/g, '')]);
  }
  return Object.fromEntries(entries);
}

export function readEnvFile(path: string): Record<string, string> {
  return existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : {};
}
