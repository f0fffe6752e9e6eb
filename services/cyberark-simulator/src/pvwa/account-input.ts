import { type StoredRemoteMachinesAccess } from '../state/state.types';
import { asObject, booleanValue, field, type JsonObject } from './json-fields';
import { PvwaErrors } from './pvwa.errors';

/** A validated `POST /Accounts` body. */
export interface NewAccountRequest {
  name?: string;
  address: string;
  userName: string;
  platformId: string;
  safeName: string;
  secretType: 'password' | 'key';
  secret: string;
  platformAccountProperties: Record<string, string>;
  automaticManagementEnabled: boolean;
  manualManagementReason?: string;
  remoteMachinesAccess?: StoredRemoteMachinesAccess;
}

function optionalText(object: JsonObject, name: string): string | undefined {
  const value = field(object, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw PvwaErrors.invalidValue(name, JSON.stringify(value));
  return value;
}

function requiredText(object: JsonObject, name: string): string {
  const value = optionalText(object, name);
  if (value === undefined || value.trim() === '') throw PvwaErrors.missingParameter(name);
  return value;
}

function parseSecretType(object: JsonObject): 'password' | 'key' {
  const raw = optionalText(object, 'secretType');
  if (raw === undefined || raw === '') return 'password';
  const value = raw.toLowerCase();
  if (value === 'password' || value === 'key') return value;
  throw PvwaErrors.invalidValue('secretType', raw);
}

export function parsePropertyValues(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const object = asObject(value, 'platformAccountProperties');
  const properties: Record<string, string> = {};
  for (const [name, raw] of Object.entries(object)) {
    if (typeof raw === 'string') properties[name] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') properties[name] = String(raw);
    else throw PvwaErrors.invalidValue(`platformAccountProperties.${name}`, JSON.stringify(raw));
  }
  return properties;
}

function parseSecretManagement(
  value: unknown,
): Pick<NewAccountRequest, 'automaticManagementEnabled' | 'manualManagementReason'> {
  if (value === undefined || value === null) return { automaticManagementEnabled: true };
  const object = asObject(value, 'secretManagement');
  const automatic = field(object, 'automaticManagementEnabled');
  const reason = optionalText(object, 'manualManagementReason');
  return {
    automaticManagementEnabled:
      automatic === undefined ? true : booleanValue(automatic, 'automaticManagementEnabled'),
    ...(reason !== undefined ? { manualManagementReason: reason } : {}),
  };
}

function parseRemoteMachines(value: unknown): StoredRemoteMachinesAccess | undefined {
  if (value === undefined || value === null) return undefined;
  const object = asObject(value, 'remoteMachinesAccess');
  const access: StoredRemoteMachinesAccess = {};
  const machines = optionalText(object, 'remoteMachines');
  const restricted = field(object, 'accessRestrictedToRemoteMachines');
  if (machines !== undefined) access.remoteMachines = machines;
  if (restricted !== undefined) {
    access.accessRestrictedToRemoteMachines = booleanValue(restricted, 'accessRestrictedToRemoteMachines');
  }
  return access;
}

export function parseNewAccount(body: unknown): NewAccountRequest {
  const object = asObject(body, 'the account');
  const name = optionalText(object, 'name');
  const request: NewAccountRequest = {
    address: optionalText(object, 'address') ?? '',
    userName: optionalText(object, 'userName') ?? '',
    platformId: requiredText(object, 'platformId'),
    safeName: requiredText(object, 'safeName'),
    secretType: parseSecretType(object),
    secret: optionalText(object, 'secret') ?? '',
    platformAccountProperties: parsePropertyValues(field(object, 'platformAccountProperties')),
    ...parseSecretManagement(field(object, 'secretManagement')),
  };
  if (name !== undefined && name.trim() !== '') request.name = name;
  const remote = parseRemoteMachines(field(object, 'remoteMachinesAccess'));
  if (remote) request.remoteMachinesAccess = remote;
  return request;
}
