import { CyberArkUnavailableError } from '../cyberark.errors';

/**
 * Small readers for CyberArk JSON. They whitelist what we copy (so nothing unexpected, such as a
 * secret, ever rides along) and tolerate the type drift seen in the wild ("true" vs true, 5 vs "5").
 */

export type WireRecord = Readonly<Record<string, unknown>>;

export function isWireRecord(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireRecord(value: unknown, operation: string, what: string): WireRecord {
  if (isWireRecord(value)) return value;
  throw invalidResponse(operation, `${what} is not a JSON object`);
}

export function requireString(record: WireRecord, key: string, operation: string): string {
  const value = optionalString(record, key);
  if (value !== undefined && value !== '') return value;
  throw invalidResponse(operation, `field ${key} is missing`);
}

export function optionalString(record: WireRecord, key: string): string | undefined {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function optionalNumber(record: WireRecord, key: string): number | undefined {
  const value = record[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function optionalBoolean(record: WireRecord, key: string): boolean | undefined {
  const value = record[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return undefined;
}

export function optionalRecord(record: WireRecord, key: string): WireRecord | undefined {
  const value = record[key];
  return isWireRecord(value) ? value : undefined;
}

/** Object of scalar values as strings; nested objects and nulls are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isWireRecord(value)) return {};
  const entries = Object.keys(value)
    .map((key) => [key, optionalString(value, key)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  return Object.fromEntries(entries);
}

/** Removes keys whose value is undefined, so optional fields stay absent rather than present-but-undefined. */
export function compact<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

export function invalidResponse(operation: string, why: string): CyberArkUnavailableError {
  return new CyberArkUnavailableError(
    'invalid-response',
    `${operation} answered with an unexpected body: ${why}`,
    {
      operation,
    },
  );
}
