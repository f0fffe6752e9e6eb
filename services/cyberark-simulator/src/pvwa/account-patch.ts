import {
  type StoredAccount,
  type StoredRemoteMachinesAccess,
  type StoredSecretManagement,
  type TenantBehaviour,
} from '../state/state.types';
import { type SimulatedHttpError } from '../http/http.errors';
import { booleanValue } from './json-fields';
import { invalidParameter, PvwaErrors } from './pvwa.errors';

export type PatchOp = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOp;
  path: string;
  value?: unknown;
}

type CoreField = 'name' | 'address' | 'userName' | 'platformId';

/** The tenant switches that change how operations apply. */
export type PatchRules = Pick<TenantBehaviour, 'removeAbsentProperty'>;

export type PatchTarget =
  | { kind: 'core'; field: CoreField }
  | { kind: 'property'; name: string }
  | { kind: 'secretManagement'; field: 'automaticManagementEnabled' | 'manualManagementReason' }
  | { kind: 'remoteMachinesAccess'; field: 'remoteMachines' | 'accessRestrictedToRemoteMachines' };

/** The editable part of an account; PATCH builds a new one and the handler commits it whole. */
export interface AccountDraft {
  name: string;
  address: string;
  userName: string;
  platformId: string;
  platformAccountProperties: Record<string, string>;
  secretManagement: StoredSecretManagement;
  remoteMachinesAccess?: StoredRemoteMachinesAccess;
}

// Top-level path segments are matched case-insensitively (ARKPY sends `/username`); property names are not.
const CORE_PATHS: Record<string, CoreField> = {
  name: 'name',
  address: 'address',
  username: 'userName',
  platformid: 'platformId',
};
const SECRET_MANAGEMENT_FIELDS = {
  automaticmanagementenabled: 'automaticManagementEnabled',
  manualmanagementreason: 'manualManagementReason',
} as const;
const REMOTE_MACHINES_FIELDS = {
  remotemachines: 'remoteMachines',
  accessrestrictedtoremotemachines: 'accessRestrictedToRemoteMachines',
} as const;

export function parsePatchDocument(body: unknown): PatchOperation[] {
  if (!Array.isArray(body) || body.length === 0)
    throw PvwaErrors.invalidBody('expected a non-empty JSON Patch array');
  return body.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null)
      throw PvwaErrors.invalidBody(`operation ${index} is not an object`);
    const { op, path, value } = item as Record<string, unknown>;
    const normalisedOp = typeof op === 'string' ? op.toLowerCase() : '';
    if (normalisedOp !== 'add' && normalisedOp !== 'replace' && normalisedOp !== 'remove') {
      throw invalidParameter('op', 'PASWS167E', `Operation [${String(op)}] is not supported.`);
    }
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw invalidParameter('path', 'PASWS167E', 'Path is invalid.');
    return { op: normalisedOp, path, value };
  });
}

export function resolvePatchPath(path: string): PatchTarget {
  const segments = path.slice(1).split('/').map(unescapePointer);
  const [head = '', child, ...rest] = segments;
  const top = head.toLowerCase();
  if (rest.length > 0) throw unsupportedPath(path);
  if (child === undefined && CORE_PATHS[top]) return { kind: 'core', field: CORE_PATHS[top] };
  if (child === undefined) throw unsupportedPath(path);
  if (top === 'platformaccountproperties' && child.length > 0) return { kind: 'property', name: child };
  const secretField = SECRET_MANAGEMENT_FIELDS[child.toLowerCase() as keyof typeof SECRET_MANAGEMENT_FIELDS];
  if (top === 'secretmanagement' && secretField) return { kind: 'secretManagement', field: secretField };
  const remoteField = REMOTE_MACHINES_FIELDS[child.toLowerCase() as keyof typeof REMOTE_MACHINES_FIELDS];
  if (top === 'remotemachinesaccess' && remoteField)
    return { kind: 'remoteMachinesAccess', field: remoteField };
  throw unsupportedPath(path);
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function unsupportedPath(path: string): SimulatedHttpError {
  return invalidParameter('path', 'PASWS167E', `Path [${path}] cannot be updated.`);
}

function targetKey(target: PatchTarget): string {
  return target.kind === 'property' ? `property:${target.name}` : `${target.kind}:${target.field}`;
}

/** "When sending several operations on the same property, only the last operation will affect the property." (D-UPDACC) */
export function lastOperationPerTarget(
  operations: readonly PatchOperation[],
): { operation: PatchOperation; target: PatchTarget }[] {
  const byKey = new Map<string, { operation: PatchOperation; target: PatchTarget }>();
  for (const operation of operations) {
    const target = resolvePatchPath(operation.path);
    const key = targetKey(target);
    byKey.delete(key);
    byKey.set(key, { operation, target });
  }
  return [...byKey.values()];
}

export function draftOf(account: StoredAccount): AccountDraft {
  return {
    name: account.name,
    address: account.address,
    userName: account.userName,
    platformId: account.platformId,
    platformAccountProperties: { ...account.platformAccountProperties },
    secretManagement: { ...account.secretManagement },
    ...(account.remoteMachinesAccess ? { remoteMachinesAccess: { ...account.remoteMachinesAccess } } : {}),
  };
}

/**
 * Applies the operations to a copy of the account; throws the PVWA error a bad operation earns.
 * Working on a copy makes the patch atomic: one failing operation leaves the account untouched.
 */
export function applyPatch(
  account: StoredAccount,
  operations: readonly PatchOperation[],
  rules: PatchRules,
): AccountDraft {
  const draft = draftOf(account);
  for (const { operation, target } of lastOperationPerTarget(operations))
    applyOne(draft, operation, target, rules);
  return draft;
}

function applyOne(
  draft: AccountDraft,
  operation: PatchOperation,
  target: PatchTarget,
  rules: PatchRules,
): void {
  switch (target.kind) {
    case 'core':
      return applyCore(draft, operation, target.field);
    case 'property':
      return applyProperty(draft, operation, target.name, rules);
    case 'secretManagement':
      return applySecretManagement(draft, operation, target.field);
    case 'remoteMachinesAccess':
      return applyRemoteMachines(draft, operation, target.field);
  }
}

function applyCore(draft: AccountDraft, operation: PatchOperation, field: CoreField): void {
  if (operation.op === 'remove')
    throw invalidParameter('path', 'PASWS167E', `Property [${field}] cannot be removed.`);
  const value = scalarText(operation);
  if ((field === 'name' || field === 'platformId') && value.trim() === '')
    throw PvwaErrors.invalidValue(field, value);
  draft[field] = value;
}

function applyProperty(
  draft: AccountDraft,
  operation: PatchOperation,
  name: string,
  rules: PatchRules,
): void {
  if (/^ExtraPass\d/i.test(name)) throw PvwaErrors.propertyNotUpdatable(name);
  const properties = draft.platformAccountProperties;
  const exists = Object.hasOwn(properties, name);
  if (operation.op === 'remove') {
    if (!exists && rules.removeAbsentProperty === 'reject')
      throw PvwaErrors.propertyNotOnAccount(operation.path);
    delete properties[name];
    return;
  }
  if (operation.op === 'replace' && !exists) throw PvwaErrors.propertyNotOnAccount(operation.path);
  properties[name] = scalarText(operation);
}

function applySecretManagement(
  draft: AccountDraft,
  operation: PatchOperation,
  field: 'automaticManagementEnabled' | 'manualManagementReason',
): void {
  const management = draft.secretManagement;
  if (field === 'automaticManagementEnabled') {
    if (operation.op === 'remove')
      throw invalidParameter('path', 'PASWS167E', `Property [${field}] cannot be removed.`);
    management.automaticManagementEnabled = booleanValue(operation.value, field);
    return;
  }
  if (operation.op === 'remove') delete management.manualManagementReason;
  else management.manualManagementReason = scalarText(operation);
}

function applyRemoteMachines(
  draft: AccountDraft,
  operation: PatchOperation,
  field: 'remoteMachines' | 'accessRestrictedToRemoteMachines',
): void {
  const access: StoredRemoteMachinesAccess = { ...draft.remoteMachinesAccess };
  if (operation.op === 'remove') delete access[field];
  else if (field === 'remoteMachines') access.remoteMachines = scalarText(operation);
  else access.accessRestrictedToRemoteMachines = booleanValue(operation.value, field);
  draft.remoteMachinesAccess = access;
}

function scalarText(operation: PatchOperation): string {
  const { value } = operation;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameter('value', 'PASWS167E', `Value for path [${operation.path}] must be a string.`);
}
