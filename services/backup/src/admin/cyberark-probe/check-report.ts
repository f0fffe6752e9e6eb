export const CONNECTION_FAILURE_CLASSES = [
  'bad-credentials',
  'not-confidential-client',
  'unreachable',
  'tls',
  'url-not-allowed',
  'redirect-refused',
  'unexpected-response',
] as const;

export type ConnectionFailureClass = (typeof CONNECTION_FAILURE_CLASSES)[number];

/** Why CyberArk could not be used, in the user's terms; the message says what to fix. */
export interface ConnectionFailure {
  readonly class: ConnectionFailureClass;
  readonly message: string;
}

export const CHECK_NAMES = [
  'connection',
  'safe',
  'safe-permissions',
  'platform',
  'platform-properties',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly name: CheckName;
  readonly status: CheckStatus;
  readonly message: string;
  /** When CyberArk itself could not be used for this check. */
  readonly failureClass?: ConnectionFailureClass;
  /** Permission keys or property names that are missing, each named. */
  readonly missing?: readonly string[];
  /** Properties the platform defines as required where the backup needs them optional. */
  readonly mustBeOptional?: readonly string[];
}

/** What a connect or a validation found; stored as the configuration's last check (no secret in it). */
export interface CheckReport {
  readonly outcome: 'passed' | 'failed';
  readonly scope: 'connection' | 'targets';
  readonly checkedAt: string;
  readonly checks: readonly CheckResult[];
  readonly missingPermissions: readonly string[];
  readonly missingProperties: readonly string[];
}

export function assembleReport(
  scope: CheckReport['scope'],
  checks: readonly CheckResult[],
  now: Date,
): CheckReport {
  const find = (name: CheckName) => checks.find((check) => check.name === name);
  return {
    outcome: checks.every((check) => check.status === 'passed') ? 'passed' : 'failed',
    scope,
    checkedAt: now.toISOString(),
    checks,
    missingPermissions: find('safe-permissions')?.missing ?? [],
    missingProperties: find('platform-properties')?.missing ?? [],
  };
}

/** The connection failure of a report, if the token could not be obtained. */
export function connectionFailureOf(report: CheckReport): ConnectionFailure | undefined {
  const connection = report.checks.find((check) => check.name === 'connection');
  if (connection?.status !== 'failed' || connection.failureClass === undefined) return undefined;
  return { class: connection.failureClass, message: connection.message };
}
