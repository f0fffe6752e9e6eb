import { fixFor, KEY_VAULT_PROBLEMS, type KeyVaultProblem } from '@vault-backup/azure-key-vault';

export const PROBLEM_KINDS = ['failed', 'parked'] as const;

/** `failed`: an open failure record, waiting for a replay. `parked`: a transient failure being retried. */
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** What the catalogue reads to phrase its advice; identifiers only, never a value the event carried. */
export interface ProblemFacts {
  readonly kind: ProblemKind;
  readonly errorClass: string;
  readonly code: string | null;
  /** The stored, sanitised error message: only identifiers (a property name) are read from it. */
  readonly message: string;
  readonly safeName: string | null;
  readonly platformId: string | null;
}

interface Names {
  readonly safe: string;
  readonly platform: string;
  readonly property: string | undefined;
  readonly keyVaultProblem: KeyVaultProblem | undefined;
}

/**
 * One entry per cause: what is wrong and what to do. `selfHealing` causes need nobody (a parked
 * backup resumes; a failed one only needs a replay once the dependency is back).
 */
interface Entry {
  readonly cause: (names: Names) => string;
  readonly fix: (names: Names) => string;
  readonly selfHealing?: boolean;
}

const SAFE_PERMISSIONS = 'Add accounts, Update account content, Update account properties and List accounts';

const CONNECTION_FIX = 'enter the connection again (PUT …/vault-backup/connection)';

const BY_CLASS: Readonly<Record<string, Entry>> = {
  auth: {
    cause: () => "CyberArk refuses the service user's credentials",
    fix: () => `check the service user and its client secret, ${CONNECTION_FIX}`,
  },
  permission: {
    cause: ({ safe }) => `the service user lacks a permission on Safe ${safe}`,
    fix: () => `grant it ${SAFE_PERMISSIONS}`,
  },
  'safe-not-found': {
    cause: ({ safe }) => `Safe ${safe} does not exist or the service user is not a member of it`,
    fix: () => `create the Safe or add the service user as a member with ${SAFE_PERMISSIONS}`,
  },
  'platform-not-found': {
    cause: ({ platform }) => `platform ${platform} does not exist or is not active`,
    fix: () => 'create or activate it (or choose another platform in the targets)',
  },
  'account-not-found': {
    cause: () =>
      'the CyberArk account this backup wrote before is gone (deleted or moved outside the backup)',
    fix: () => 'leave it deleted or restore it; a replay writes the account again',
  },
  'invalid-property': {
    cause: ({ platform, property }) =>
      property === undefined
        ? `platform ${platform} does not define a property the account sends (the detail names it)`
        : `platform ${platform} has no optional property ${property}`,
    fix: ({ property }) => (property === undefined ? 'add it as an optional property' : 'add it'),
  },
  duplicate: {
    cause: ({ safe }) =>
      `an account of the same name that the backup did not write already exists in Safe ${safe}`,
    fix: () => 'delete or rename that account',
  },
  throttled: {
    cause: () => 'CyberArk is throttling the service user',
    fix: () => 'nothing to fix if it is brief; if it persists, lower other load on the tenant',
    selfHealing: true,
  },
  unavailable: {
    cause: () => 'CyberArk could not be reached or answered with a server error',
    fix: () => 'nothing to fix if it is brief; check the Privilege Cloud status if it persists',
    selfHealing: true,
  },
  'invalid-request': {
    cause: () => 'CyberArk refuses the request (the detail says why)',
    fix: () => 'correct what the detail names, and report it if it names nothing you control',
  },
  'redirect-refused': {
    cause: () => 'CyberArk answered with a redirect, which is never followed',
    fix: () => `check the Privilege Cloud URL, ${CONNECTION_FIX}`,
  },
  'invalid-event': {
    cause: () =>
      'the event is not a valid account event or breaks a rule of the workspace (the detail says which)',
    fix: () => 'correct it where it is produced and send the account again',
  },
  'decryption-key-unavailable': {
    cause: () => "the key that unwraps the event's secrets cannot be used",
    fix: () =>
      "check the workspace's key integration (GET …/vault-backup/key-integration) and restore the key",
  },
  'key-vault-unavailable': {
    cause: ({ keyVaultProblem }) =>
      `the workspace's Azure Key Vault cannot be used for now${keyVaultProblem ? ` (${keyVaultProblem})` : ''}`,
    fix: ({ keyVaultProblem }) =>
      keyVaultProblem
        ? sentence(fixFor(keyVaultProblem))
        : 'nothing to fix if it is brief; check Azure status',
    selfHealing: true,
  },
  'key-access-revoked': {
    cause: ({ keyVaultProblem }) =>
      `the workspace's Azure Key Vault key refuses us${keyVaultProblem ? ` (${keyVaultProblem})` : ''}`,
    fix: ({ keyVaultProblem }) =>
      keyVaultProblem
        ? sentence(fixFor(keyVaultProblem))
        : 'restore the role Key Vault Crypto Service Encryption User on the key',
  },
  'secret-decryption-failed': {
    cause: ({ keyVaultProblem }) =>
      `the event's secrets cannot be decrypted as they are${keyVaultProblem ? ` (${keyVaultProblem})` : ''}`,
    fix: ({ keyVaultProblem }) =>
      keyVaultProblem
        ? sentence(fixFor(keyVaultProblem))
        : 'send the account again with its secrets encrypted to the current workspace key',
  },
  'write-contention': {
    cause: () => 'another writer held the account',
    fix: () => 'nothing to fix',
    selfHealing: true,
  },
  'workspace-configuration': {
    cause: () =>
      "the workspace's stored configuration cannot be used (e.g. its client secret no longer decrypts)",
    fix: () => CONNECTION_FIX,
  },
  'dependency-unavailable': {
    cause: () => "the service's PostgreSQL or Kafka was unreachable",
    fix: () => 'nothing for an admin to fix; operators check the service dependencies if it persists',
    selfHealing: true,
  },
  'retry-budget-exhausted': {
    cause: () =>
      "the backup stayed parked longer than the workspace's retry budget (the detail names the last cause)",
    fix: () => 'fix that cause (or raise retryBudgetSeconds in the options)',
  },
  internal: {
    cause: () => 'an internal error no retry can cure',
    fix: () => 'report it with the account id and time',
  },
};

/** Codes whose advice is more precise than their class's. */
const BY_CODE: Readonly<Record<string, Entry>> = {
  PLAINTEXT_SECRETS_NOT_ALLOWED: {
    cause: () => 'the event carries plaintext secrets and this workspace refuses them',
    fix: () =>
      "encrypt the secrets to the workspace's Key Vault key, or allow plaintext secrets in the options (PUT …/vault-backup/options)",
  },
  CAWS00001E: {
    cause: ({ platform, property }) =>
      `platform ${platform} requires ${property === undefined ? 'a property' : `property ${property}`} that the account does not send`,
    fix: () => 'make it optional on the platform',
  },
  CLIENT_SECRET_UNREADABLE: {
    cause: () => "the workspace's stored client secret no longer decrypts",
    fix: () => CONNECTION_FIX,
  },
};

const FALLBACK: Entry = {
  cause: () => 'the backup failed (the detail says why)',
  fix: () => 'correct the cause it names',
};

/**
 * The actionable message of a failed or parked backup: `<what is wrong> — <what to do>, then replay`
 * (failed) or `…; parked backups resume by themselves` (parked). Built from the error class, the
 * code, the workspace's Safe and platform, and at most a property name read from the message.
 */
export function actionFor(facts: ProblemFacts): string {
  const names = namesOf(facts);
  const entry =
    (facts.code === null ? undefined : BY_CODE[facts.code]) ?? BY_CLASS[facts.errorClass] ?? FALLBACK;
  const what = `${entry.cause(names)} — ${entry.fix(names)}`;
  if (facts.kind === 'parked') return `${what}; parked backups resume by themselves`;
  return entry.selfHealing ? `${what}; replay once it is back` : `${what}, then replay`;
}

/** Whether the catalogue has its own words for this class (a unit test keeps ERROR_CLASSES covered). */
export function hasAdviceFor(errorClass: string): boolean {
  return errorClass in BY_CLASS;
}

/** Names that fit these patterns are identifiers; anything else is left out of the advice. */
const PROPERTY_NAME = '([A-Za-z][A-Za-z0-9_]{0,99})';
const PROPERTY_PATTERNS = [
  new RegExp(`Property \\[${PROPERTY_NAME}\\] is not defined`, 'i'),
  new RegExp(`platformAccountProperties[./]${PROPERTY_NAME}\\b`, 'i'),
  new RegExp(`\\(parameter: ${PROPERTY_NAME}\\)`, 'i'),
  new RegExp(`propert(?:y|ies) ['"\\[]${PROPERTY_NAME}['"\\]]`, 'i'),
];
const IDENTIFIER = /^[A-Za-z0-9 ._-]{1,100}$/;

function namesOf(facts: ProblemFacts): Names {
  return {
    safe: identifierOr(facts.safeName, 'the backup Safe'),
    platform: identifierOr(facts.platformId, 'the backup platform'),
    property: propertyIn(facts.message),
    keyVaultProblem: keyVaultProblemOf(facts.code),
  };
}

export function propertyIn(message: string): string | undefined {
  for (const pattern of PROPERTY_PATTERNS) {
    const match = pattern.exec(message);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

function identifierOr(value: string | null, fallback: string): string {
  return value !== null && IDENTIFIER.test(value) ? value : fallback;
}

const KEY_VAULT_PROBLEM_BY_CODE: ReadonlyMap<string, KeyVaultProblem> = new Map(
  KEY_VAULT_PROBLEMS.map((problem) => [`KEY_VAULT_${problem.toUpperCase().replace(/-/g, '_')}`, problem]),
);

function keyVaultProblemOf(code: string | null): KeyVaultProblem | undefined {
  return code === null ? undefined : KEY_VAULT_PROBLEM_BY_CODE.get(code);
}

/** A `fix` text as a clause: no leading capital, no final period. */
function sentence(text: string): string {
  const clause = text.replace(/\.\s*$/, '');
  return clause.charAt(0).toLowerCase() + clause.slice(1);
}
