import { PvwaErrors } from './pvwa.errors';

export type JsonObject = Record<string, unknown>;

/**
 * The PVWA JSON binder ignores the case of member names (clients send both `NewCredentials` and
 * `newCredentials`, reference §3.6), so fields are looked up case-insensitively.
 */
export function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === wanted) return object[key];
  return undefined;
}

export function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw PvwaErrors.invalidBody(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

/** Clients send both JSON booleans and the strings "true"/"false" (reference §3.5). */
export function booleanValue(value: unknown, parameterName: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw PvwaErrors.invalidValue(parameterName, String(value));
}
