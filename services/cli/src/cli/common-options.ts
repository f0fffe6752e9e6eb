import { type Command, InvalidArgumentError } from 'commander';

export interface ConnectionFlags {
  readonly apiUrl?: string;
  readonly workspace?: string;
  readonly json?: boolean;
}

export interface PageFlags {
  readonly limit?: number;
  readonly all?: boolean;
}

/** `--api-url`, `--workspace`, `--json`: the same on every command that calls the API. */
export function withConnection(command: Command): Command {
  return command
    .option(
      '--api-url <url>',
      'admin API base URL (default: $VAULT_BACKUP_API_URL, the profile, http://127.0.0.1:8080)',
    )
    .option('-w, --workspace <id>', "the workspace (default: the token's workspace_id, then the profile's)")
    .option('--json', 'print JSON instead of a table');
}

/** `--limit` (page size, the API allows 1-200) and `--all` (follow nextCursor). */
export function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (1-200)', integerIn(1, 200))
    .option('--all', 'read every page');
}

export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** An RFC 3339 date-time, checked here so a typo fails before any call. */
export function dateTime(value: string): string {
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new InvalidArgumentError('must be an RFC 3339 date-time, e.g. 2026-12-03T10:00:00Z');
  }
  return value;
}

/** Seconds or a unit: `90`, `90s`, `15m`, `1h`. */
export function duration(value: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('must be a duration like 90s, 15m or 1h');
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
