import { type PlatformDefinition, type PlatformDetails } from '../cyberark.types';
import {
  type WireRecord,
  compact,
  isWireRecord,
  optionalBoolean,
  optionalRecord,
  optionalString,
  requireRecord,
} from '../wire/wire-readers';

/** The entries of `GET /Platforms` (`{ Platforms: [...] }`, key casing tolerated). */
export function toPlatformList(raw: unknown, operation: string): PlatformDefinition[] {
  const record = requireRecord(raw, operation, 'platform list');
  const list = record['Platforms'] ?? record['platforms'] ?? record['value'];
  if (!Array.isArray(list)) return [];
  return list.filter(isWireRecord).flatMap((entry) => {
    const platform = toPlatformDefinition(entry);
    return platform === undefined ? [] : [platform];
  });
}

/** One `{ general, properties: { required, optional } }` entry; undefined when it has no `general.id`. */
export function toPlatformDefinition(entry: WireRecord): PlatformDefinition | undefined {
  const general = optionalRecord(entry, 'general') ?? {};
  const id = optionalString(general, 'id');
  if (id === undefined || id === '') return undefined;
  const properties = optionalRecord(entry, 'properties') ?? {};
  return compact({
    id,
    name: optionalString(general, 'name') ?? id,
    active: optionalBoolean(general, 'active') ?? false,
    systemType: optionalString(general, 'systemType'),
    platformType: optionalString(general, 'platformType'),
    requiredProperties: propertyNames(properties['required']),
    optionalProperties: propertyNames(properties['optional']),
  });
}

/** `GET /Platforms/{id}/`: `{ PlatformID, Active, Details }` (older: `Properties`). */
export function toPlatformDetails(raw: unknown, operation: string, requestedId: string): PlatformDetails {
  const record = requireRecord(raw, operation, 'platform details');
  const details =
    optionalRecord(record, 'Details') ??
    optionalRecord(record, 'details') ??
    optionalRecord(record, 'Properties') ??
    {};
  return {
    platformId: optionalString(record, 'PlatformID') ?? optionalString(record, 'platformId') ?? requestedId,
    active: optionalBoolean(record, 'Active') ?? optionalBoolean(record, 'active') ?? false,
    details: { ...details },
  };
}

function propertyNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const name = isWireRecord(item) ? optionalString(item, 'name') : undefined;
    return name === undefined ? [] : [name];
  });
}
