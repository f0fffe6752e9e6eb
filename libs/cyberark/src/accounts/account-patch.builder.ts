import { Secret } from '@vault-backup/config';
import { CyberArkInvalidRequestError } from '../cyberark.errors';
import {
  type AccountPatchPath,
  type CyberArkAccount,
  type JsonPatchOp,
  type JsonPatchValue,
  type PropertyValue,
} from '../cyberark.types';

/** The state the backup wants; a field left undefined is not managed and never patched. */
export interface DesiredAccountState {
  readonly name?: string;
  readonly address?: string;
  readonly userName?: string;
  readonly platformId?: string;
  readonly platformAccountProperties?: Readonly<Record<string, PropertyValue>>;
  readonly secretManagement?: {
    readonly automaticManagementEnabled?: boolean;
    readonly manualManagementReason?: string;
  };
}

export interface PatchBuildOptions {
  /** Remove properties the account has but `desired.platformAccountProperties` does not list. Default false. */
  readonly removeUnlistedProperties?: boolean;
}

const TOP_LEVEL_FIELDS = ['name', 'address', 'userName', 'platformId'] as const;
const PROPERTIES_PREFIX = '/platformAccountProperties/';
const FIXED_PATHS: ReadonlySet<string> = new Set([
  '/name',
  '/address',
  '/userName',
  '/platformId',
  '/secretManagement/automaticManagementEnabled',
  '/secretManagement/manualManagementReason',
  '/remoteMachinesAccess/remoteMachines',
  '/remoteMachinesAccess/accessRestrictedToRemoteMachines',
]);

/**
 * The smallest JSON Patch that turns `current` into `desired`: `add` for what the account lacks,
 * `replace` for what differs, `remove` only when asked. No change gives an empty array: send nothing.
 * A secret-valued property is always rewritten, because its current value cannot be compared here.
 */
export function buildAccountPatch(
  current: CyberArkAccount,
  desired: DesiredAccountState,
  options: PatchBuildOptions = {},
): JsonPatchOp[] {
  return [
    ...topLevelOps(current, desired),
    ...propertyOps(current.platformAccountProperties, desired.platformAccountProperties, options),
    ...secretManagementOps(current, desired),
  ];
}

/** JSON Pointer path of one platform account property (RFC 6901 escaping of `~` and `/`). */
export function propertyPath(property: string): AccountPatchPath {
  if (property === '')
    throw new CyberArkInvalidRequestError('a platform account property name cannot be empty');
  return `${PROPERTIES_PREFIX}${property.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Refuses anything this client does not know how to send before it leaves the process. */
export function assertValidPatch(ops: readonly JsonPatchOp[]): void {
  for (const op of ops) {
    if (!isKnownPath(op.path)) {
      throw new CyberArkInvalidRequestError(
        `JSON Patch path ${JSON.stringify(op.path)} is not one this client sends`,
      );
    }
    if (op.op === 'remove') continue;
    if (op.op !== 'add' && op.op !== 'replace') {
      throw new CyberArkInvalidRequestError(
        `JSON Patch op ${JSON.stringify((op as { op: unknown }).op)} is not supported`,
      );
    }
    if (!isPatchValue(op.value)) {
      throw new CyberArkInvalidRequestError(
        `JSON Patch value for ${op.path} must be a string, a boolean or a Secret`,
      );
    }
  }
}

/** `add` on an existing member replaces it (RFC 6902), so this is safe for every path we send. */
/**
 * Rewrites a patch that CyberArk refused with PASWS164E ("the property at path does not exist")
 * against what the account really holds: a `remove` of an absent field is already done (RFC 6902
 * calls it an error, the outcome we want holds), a `replace` of an absent field becomes `add`.
 */
export function reconcilePatch(ops: readonly JsonPatchOp[], account: CyberArkAccount): JsonPatchOp[] {
  return ops.flatMap((op): JsonPatchOp[] => {
    if (op.op === 'add' || holds(account, op.path)) return [op];
    return op.op === 'remove' ? [] : [{ ...op, op: 'add' }];
  });
}

/** Whether the account has a value at a patchable path (property names compare case-insensitively). */
function holds(account: CyberArkAccount, path: AccountPatchPath): boolean {
  if (path.startsWith(PROPERTIES_PREFIX)) {
    const wanted = unescapePointer(path.slice(PROPERTIES_PREFIX.length)).toLowerCase();
    return Object.keys(account.platformAccountProperties).some((name) => name.toLowerCase() === wanted);
  }
  if (path === '/address') return account.address !== undefined && account.address !== '';
  if (path === '/userName') return account.userName !== undefined && account.userName !== '';
  return true;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The PATCH body; secret-valued ops are revealed only here. */
export function toPatchBody(ops: readonly JsonPatchOp[]): string {
  return JSON.stringify(
    ops.map((op) =>
      op.op === 'remove'
        ? { op: op.op, path: op.path }
        : { op: op.op, path: op.path, value: revealed(op.value) },
    ),
  );
}

export function secretsInPatch(ops: readonly JsonPatchOp[]): Secret[] {
  return ops.flatMap((op) => (op.op !== 'remove' && op.value instanceof Secret ? [op.value] : []));
}

function topLevelOps(current: CyberArkAccount, desired: DesiredAccountState): JsonPatchOp[] {
  return TOP_LEVEL_FIELDS.flatMap((field) => {
    const wanted = desired[field];
    const have = current[field];
    if (wanted === undefined || wanted === have) return [];
    return [{ op: have === undefined ? 'add' : 'replace', path: `/${field}`, value: wanted } as const];
  });
}

function propertyOps(
  current: Readonly<Record<string, string>>,
  desired: Readonly<Record<string, PropertyValue>> | undefined,
  options: PatchBuildOptions,
): JsonPatchOp[] {
  if (desired === undefined) return [];
  const ops: JsonPatchOp[] = [];
  for (const [key, value] of Object.entries(desired)) {
    const have = current[key];
    if (typeof value === 'string' && value === have) continue;
    ops.push({ op: have === undefined ? 'add' : 'replace', path: propertyPath(key), value });
  }
  if (options.removeUnlistedProperties !== true) return ops;
  for (const key of Object.keys(current)) {
    if (!(key in desired)) ops.push({ op: 'remove', path: propertyPath(key) });
  }
  return ops;
}

function secretManagementOps(current: CyberArkAccount, desired: DesiredAccountState): JsonPatchOp[] {
  const wanted = desired.secretManagement;
  const have = current.secretManagement ?? {};
  if (wanted === undefined) return [];
  const ops: JsonPatchOp[] = [];
  const auto = wanted.automaticManagementEnabled;
  if (auto !== undefined && auto !== have.automaticManagementEnabled) {
    ops.push({ op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: auto });
  }
  const reason = wanted.manualManagementReason;
  if (reason !== undefined && reason !== have.manualManagementReason) {
    ops.push({
      op: have.manualManagementReason === undefined ? 'add' : 'replace',
      path: '/secretManagement/manualManagementReason',
      value: reason,
    });
  }
  return ops;
}

function isKnownPath(path: unknown): boolean {
  if (typeof path !== 'string') return false;
  if (FIXED_PATHS.has(path)) return true;
  return (
    path.startsWith(PROPERTIES_PREFIX) &&
    path.length > PROPERTIES_PREFIX.length &&
    !path.slice(PROPERTIES_PREFIX.length).includes('/')
  );
}

function isPatchValue(value: unknown): value is JsonPatchValue {
  return typeof value === 'string' || typeof value === 'boolean' || value instanceof Secret;
}

function revealed(value: JsonPatchValue): string | boolean {
  return value instanceof Secret ? value.reveal() : value;
}
