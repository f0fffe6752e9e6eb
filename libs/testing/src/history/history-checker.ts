import { type WriteLogEntry } from '../cyberark-simulator/simulator-control.types';
import {
  backupAccountName,
  type DeadLetterEntry,
  type ExpectedAccount,
  type HistoryExpectations,
} from './history.types';

export interface HistoryCheckInput {
  /** The simulator's write log, every tenant of the run (readWholeWriteLog()). */
  readonly writes: readonly WriteLogEntry[];
  readonly expectations: HistoryExpectations;
  /** Every record found on the dead-letter topic. */
  readonly deadLetters?: readonly DeadLetterEntry[];
  /** The simulator tenant each workspace must be backed up to; a write elsewhere is misrouted. */
  readonly tenantOf?: (workspaceId: string) => string | undefined;
  /** Workspaces whose failures are expected (judged by the test itself); their writes and dead letters are ignored. */
  readonly excludeWorkspaces?: readonly string[];
}

/** Counters that must all be zero. */
export interface HistoryTotals {
  /** Accounts whose newest version's properties or secret were never written. */
  readonly lost: number;
  /** Accounts with more than one live CyberArk account. */
  readonly duplicateAccounts: number;
  /** Writes that left an older properties version, or an older secret, than one written before (even if healed later). */
  readonly nonMonotonic: number;
  /** Accounts whose final properties or secret are not exactly the newest version. */
  readonly staleFinal: number;
  /** Writes whose result matches no single version (a property left over or missing: a stale diff). */
  readonly inconsistent: number;
  /** Dead-letter records that are not deliberate poison records. */
  readonly falseDeadLetters: number;
  /** Writes to backups of accounts the workload never sent. */
  readonly unknownWrites: number;
  /** Writes that landed in another workspace's tenant. */
  readonly misrouted: number;
}

export type WriteProblem =
  | 'properties-rollback'
  | 'secret-rollback'
  | 'properties-unrecognised'
  | 'properties-mixed'
  | 'secret-unrecognised'
  | 'misrouted';

export interface WriteView {
  readonly seq: number;
  readonly time: string;
  readonly operation: WriteLogEntry['operation'];
  readonly tenant: string;
  readonly cyberArkAccountId: string;
  /** The properties version after the write (add/patch only). */
  readonly propertiesVersion?: number;
  /** The secret version after the write (add/password-update only). */
  readonly secretVersion?: number;
  readonly problems: readonly WriteProblem[];
  /** Properties that differ from the version the label claims (name: expected → found). */
  readonly mismatches?: readonly string[];
}

export interface AccountHistory {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly newestVersion: number;
  readonly writes: readonly WriteView[];
  readonly lost: boolean;
  readonly duplicate: boolean;
  readonly staleFinal: boolean;
  readonly nonMonotonicWrites: number;
  readonly inconsistentWrites: number;
  readonly misroutedWrites: number;
  readonly finalPropertiesVersion?: number;
  readonly finalSecretVersion?: number;
  readonly liveCyberArkIds: readonly string[];
}

export interface HistoryCheckResult {
  readonly totals: HistoryTotals;
  readonly accounts: readonly AccountHistory[];
  readonly offending: readonly AccountHistory[];
  readonly falseDeadLetters: readonly DeadLetterEntry[];
  readonly unknownAccountNames: readonly string[];
  /** Context, not verdicts. */
  readonly info: {
    readonly accounts: number;
    readonly writes: number;
    readonly deadLetters: number;
    readonly poisonDeadLetters: number;
    readonly ignoredDeadLetters: number;
    /** Writes that changed nothing the checker tracks (e.g. a secret set again after a crash). */
    readonly redundantWrites: number;
  };
  /** A readable summary: the totals, then the first offending accounts with their write sequence. */
  report(options?: { accounts?: number; deadLetters?: number }): string;
}

/**
 * Checks the guarantees of the backup on the whole history of CyberArk writes, not only on the end
 * state: a write of an older version that a later write heals is still a rollback a restore could
 * have hit. Properties and secret are tracked separately (they are separate writes).
 */
export function checkHistory(input: HistoryCheckInput): HistoryCheckResult {
  const excluded = new Set(input.excludeWorkspaces ?? []);
  const expected = input.expectations
    .expectedAccounts()
    .filter((account) => !excluded.has(account.workspaceId));
  const byName = new Map<string, ExpectedAccount>(
    expected.map((account) => [backupAccountName(account.workspaceId, account.accountId), account]),
  );
  const excludedPrefixes = [...excluded].map((workspaceId) => `vb.${workspaceId}.`);
  const entriesByName = new Map<string, WriteLogEntry[]>();
  const unknown = new Map<string, number>();
  for (const entry of [...input.writes].sort((a, b) => a.seq - b.seq)) {
    if (byName.has(entry.accountName)) {
      const list = entriesByName.get(entry.accountName);
      if (list) list.push(entry);
      else entriesByName.set(entry.accountName, [entry]);
    } else if (!excludedPrefixes.some((prefix) => entry.accountName.startsWith(prefix))) {
      unknown.set(entry.accountName, (unknown.get(entry.accountName) ?? 0) + 1);
    }
  }

  let redundantWrites = 0;
  const accounts = [...byName.entries()].map(([name, account]) => {
    const history = judgeAccount(name, account, entriesByName.get(name) ?? [], input);
    redundantWrites += history.redundant;
    return history.account;
  });

  const deadLetters = input.deadLetters ?? [];
  let poisonDeadLetters = 0;
  let ignoredDeadLetters = 0;
  const falseDeadLetters: DeadLetterEntry[] = [];
  for (const entry of deadLetters) {
    const workspaceId = entry.event?.workspaceId ?? entry.key?.split(':')[0];
    if (workspaceId !== undefined && excluded.has(workspaceId)) ignoredDeadLetters++;
    else if (entry.poison !== undefined) poisonDeadLetters++;
    else falseDeadLetters.push(entry);
  }

  const totals: HistoryTotals = {
    lost: accounts.filter((account) => account.lost).length,
    duplicateAccounts: accounts.filter((account) => account.duplicate).length,
    nonMonotonic: sum(accounts.map((account) => account.nonMonotonicWrites)),
    staleFinal: accounts.filter((account) => account.staleFinal).length,
    inconsistent: sum(accounts.map((account) => account.inconsistentWrites)),
    falseDeadLetters: falseDeadLetters.length,
    unknownWrites: sum([...unknown.values()]),
    misrouted: sum(accounts.map((account) => account.misroutedWrites)),
  };
  const offending = accounts.filter(isOffending);
  const info = {
    accounts: accounts.length,
    writes: input.writes.length,
    deadLetters: deadLetters.length,
    poisonDeadLetters,
    ignoredDeadLetters,
    redundantWrites,
  };
  const unknownAccountNames = [...unknown.keys()];
  return {
    totals,
    accounts,
    offending,
    falseDeadLetters,
    unknownAccountNames,
    info,
    report: (options = {}) =>
      renderReport(totals, info, offending, falseDeadLetters, unknownAccountNames, options),
  };
}

/** Expectations of several workloads at once (each account belongs to exactly one of them). */
export function mergeExpectations(...parts: readonly HistoryExpectations[]): HistoryExpectations {
  const owner = (workspaceId: string, accountId: string) =>
    parts.find((part) => part.expectedNewest(workspaceId, accountId) !== undefined) ?? parts[0];
  return {
    expectedAccounts: () => parts.flatMap((part) => part.expectedAccounts()),
    expectedNewest: (workspaceId, accountId) =>
      owner(workspaceId, accountId)?.expectedNewest(workspaceId, accountId),
    versionOfProperties: (properties) =>
      parts.map((part) => part.versionOfProperties(properties)).find((version) => version !== undefined),
    versionOfSecretDigest: (accountId, digest) =>
      parts
        .map((part) => part.versionOfSecretDigest(accountId, digest))
        .find((version) => version !== undefined),
    expectedProperties: (workspaceId, accountId, version) => {
      const part = owner(workspaceId, accountId);
      if (!part) throw new Error('mergeExpectations needs at least one part');
      return part.expectedProperties(workspaceId, accountId, version);
    },
  };
}

function judgeAccount(
  accountName: string,
  account: ExpectedAccount,
  entries: readonly WriteLogEntry[],
  input: HistoryCheckInput,
): { account: AccountHistory; redundant: number } {
  const { expectations } = input;
  const { workspaceId, accountId, newestVersion } = account;
  const expectedTenant = input.tenantOf?.(workspaceId);
  let highestProperties = 0;
  let highestSecret = 0;
  let currentProperties: number | undefined;
  let currentPropertiesExact = false;
  let currentSecret: number | undefined;
  let newestPropertiesWritten = false;
  let newestSecretWritten = false;
  let redundant = 0;
  const live = new Set<string>();
  const deleted = new Set<string>();
  const writes: WriteView[] = [];

  for (const entry of entries) {
    const problems: WriteProblem[] = [];
    if (expectedTenant !== undefined && entry.tenant !== expectedTenant) problems.push('misrouted');
    if (entry.operation === 'delete') {
      deleted.add(entry.accountId);
      live.delete(entry.accountId);
      writes.push(view(entry, problems));
      continue;
    }
    if (!deleted.has(entry.accountId)) live.add(entry.accountId);
    let propertiesVersion: number | undefined;
    let secretVersion: number | undefined;
    let mismatches: string[] | undefined;
    let changed = false;

    if (entry.operation === 'add' || entry.operation === 'patch') {
      propertiesVersion = expectations.versionOfProperties(entry.properties);
      if (propertiesVersion === undefined) {
        problems.push('properties-unrecognised');
        currentProperties = undefined;
        currentPropertiesExact = false;
        changed = true;
      } else {
        mismatches = differences(
          expectations.expectedProperties(workspaceId, accountId, propertiesVersion),
          entry.properties,
        );
        const exact = mismatches.length === 0;
        if (!exact) problems.push('properties-mixed');
        if (propertiesVersion < highestProperties) problems.push('properties-rollback');
        changed ||= propertiesVersion !== currentProperties || exact !== currentPropertiesExact;
        highestProperties = Math.max(highestProperties, propertiesVersion);
        currentProperties = propertiesVersion;
        currentPropertiesExact = exact;
        if (propertiesVersion === newestVersion && exact) newestPropertiesWritten = true;
      }
    }
    if (entry.operation === 'add' || entry.operation === 'password-update') {
      secretVersion =
        entry.secretDigest === null
          ? undefined
          : expectations.versionOfSecretDigest(accountId, entry.secretDigest);
      if (secretVersion === undefined) {
        problems.push('secret-unrecognised');
        changed = true;
        currentSecret = undefined;
      } else {
        if (secretVersion < highestSecret) problems.push('secret-rollback');
        changed ||= secretVersion !== currentSecret;
        highestSecret = Math.max(highestSecret, secretVersion);
        currentSecret = secretVersion;
        if (secretVersion === newestVersion) newestSecretWritten = true;
      }
    }
    if (!changed) redundant++;
    writes.push(view(entry, problems, propertiesVersion, secretVersion, mismatches));
  }

  const count = (...kinds: WriteProblem[]) =>
    writes.filter((write) => write.problems.some((problem) => kinds.includes(problem))).length;
  const finalExact = currentProperties === newestVersion && currentPropertiesExact;
  return {
    redundant,
    account: {
      workspaceId,
      accountId,
      accountName,
      newestVersion,
      writes,
      lost: !newestPropertiesWritten || !newestSecretWritten,
      duplicate: live.size > 1,
      staleFinal: !finalExact || currentSecret !== newestVersion,
      nonMonotonicWrites: count('properties-rollback', 'secret-rollback'),
      inconsistentWrites: count('properties-unrecognised', 'properties-mixed', 'secret-unrecognised'),
      misroutedWrites: count('misrouted'),
      ...(currentProperties !== undefined ? { finalPropertiesVersion: currentProperties } : {}),
      ...(currentSecret !== undefined ? { finalSecretVersion: currentSecret } : {}),
      liveCyberArkIds: [...live],
    },
  };
}

function view(
  entry: WriteLogEntry,
  problems: WriteProblem[],
  propertiesVersion?: number,
  secretVersion?: number,
  mismatches?: string[],
): WriteView {
  return {
    seq: entry.seq,
    time: entry.time,
    operation: entry.operation,
    tenant: entry.tenant,
    cyberArkAccountId: entry.accountId,
    ...(propertiesVersion !== undefined ? { propertiesVersion } : {}),
    ...(secretVersion !== undefined ? { secretVersion } : {}),
    problems,
    ...(mismatches && mismatches.length > 0 ? { mismatches } : {}),
  };
}

function differences(
  expected: Readonly<Record<string, string>>,
  found: Readonly<Record<string, string>>,
): string[] {
  const names = new Set([...Object.keys(expected), ...Object.keys(found)]);
  const result: string[] = [];
  for (const name of [...names].sort()) {
    if (expected[name] === found[name]) continue;
    result.push(`${name}: ${describeValue(expected[name])} → ${describeValue(found[name])}`);
  }
  return result;
}

/** Values are test data, never real secrets; long ones are shortened so a report stays readable. */
function describeValue(value: string | undefined): string {
  if (value === undefined) return '(absent)';
  return value.length > 40 ? `${JSON.stringify(value.slice(0, 37))}…` : JSON.stringify(value);
}

function isOffending(account: AccountHistory): boolean {
  return (
    account.lost ||
    account.duplicate ||
    account.staleFinal ||
    account.nonMonotonicWrites > 0 ||
    account.inconsistentWrites > 0 ||
    account.misroutedWrites > 0
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

const WRITES_SHOWN = 14;

function renderReport(
  totals: HistoryTotals,
  info: HistoryCheckResult['info'],
  offending: readonly AccountHistory[],
  falseDeadLetters: readonly DeadLetterEntry[],
  unknownAccountNames: readonly string[],
  options: { accounts?: number; deadLetters?: number },
): string {
  const lines = [
    `history check: ${info.accounts} accounts, ${info.writes} writes, ${info.deadLetters} dead letters ` +
      `(${info.poisonDeadLetters} poison, ${info.ignoredDeadLetters} ignored), ${info.redundantWrites} redundant writes`,
    `  ${Object.entries(totals)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  ];
  for (const account of offending.slice(0, options.accounts ?? 5)) {
    const verdicts = [
      account.lost ? 'lost' : '',
      account.duplicate ? `duplicate (${account.liveCyberArkIds.join(', ')})` : '',
      account.staleFinal
        ? `staleFinal (properties v${account.finalPropertiesVersion ?? '?'}, secret v${account.finalSecretVersion ?? '?'})`
        : '',
      account.nonMonotonicWrites > 0 ? `nonMonotonic ${account.nonMonotonicWrites}` : '',
      account.inconsistentWrites > 0 ? `inconsistent ${account.inconsistentWrites}` : '',
      account.misroutedWrites > 0 ? `misrouted ${account.misroutedWrites}` : '',
    ].filter(Boolean);
    lines.push(
      `  ${account.workspaceId}/${account.accountId} (newest v${account.newestVersion}, ${account.writes.length} writes): ${verdicts.join(', ')}`,
    );
    lines.push(
      ...shownWrites(account.writes).map((write) => (write ? `    ${formatWrite(write)}` : '    …')),
    );
  }
  if (offending.length > (options.accounts ?? 5))
    lines.push(`  … and ${offending.length - (options.accounts ?? 5)} more offending accounts`);
  for (const entry of falseDeadLetters.slice(0, options.deadLetters ?? 5)) {
    const reason = [entry.headers['vb-dlq-error-class'], entry.headers['vb-dlq-error-code']]
      .filter(Boolean)
      .join('/');
    const what = entry.event
      ? `${entry.event.workspaceId}/${entry.event.accountId} v${entry.event.version}`
      : (entry.key ?? '(no key)');
    lines.push(`  false dead letter: ${what}: ${reason}: ${entry.headers['vb-dlq-error-message'] ?? ''}`);
  }
  if (unknownAccountNames.length > 0)
    lines.push(`  writes to unknown accounts: ${unknownAccountNames.slice(0, 5).join(', ')}`);
  return lines.join('\n');
}

/** All writes when few; otherwise the ones around the first problem, and the last one. */
function shownWrites(writes: readonly WriteView[]): (WriteView | undefined)[] {
  if (writes.length <= WRITES_SHOWN) return [...writes];
  const first = Math.max(
    0,
    writes.findIndex((write) => write.problems.length > 0),
  );
  const start = Math.max(0, first - 5);
  const window: (WriteView | undefined)[] = writes.slice(start, start + WRITES_SHOWN - 2);
  if (start > 0) window.unshift(undefined);
  if (start + WRITES_SHOWN - 2 < writes.length - 1) window.push(undefined);
  if (start + WRITES_SHOWN - 2 < writes.length) window.push(writes.at(-1));
  return window;
}

function formatWrite(write: WriteView): string {
  const time = write.time.slice(11, 23);
  const properties = write.propertiesVersion !== undefined ? `props v${write.propertiesVersion}` : '';
  const secret = write.secretVersion !== undefined ? `secret v${write.secretVersion}` : '';
  const problems = write.problems.length > 0 ? `  ← ${write.problems.join(', ')}` : '';
  const mismatches = write.mismatches ? ` (${write.mismatches.join('; ')})` : '';
  return `#${write.seq} ${time} ${write.operation.padEnd(15)} ${write.cyberArkAccountId.padEnd(8)} ${properties.padEnd(11)} ${secret.padEnd(11)}${problems}${mismatches}`.trimEnd();
}
