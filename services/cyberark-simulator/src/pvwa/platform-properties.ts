import { type StoredPlatform } from '../state/state.types';
import { PvwaErrors } from './pvwa.errors';

/** Platform property names that are stored as top-level account fields, not in `platformAccountProperties`. */
const CORE_FIELDS: Record<string, 'address' | 'userName'> = { address: 'address', username: 'userName' };

export interface AccountPropertyView {
  address: string;
  userName: string;
  platformAccountProperties: Record<string, string>;
}

// Platforms are replaced, never mutated, so a cache keyed by the object stays correct.
const namesByPlatform = new WeakMap<StoredPlatform, ReadonlySet<string>>();

/** Names are compared case-sensitively, as AIOB observed ("it is case sensitive", reference §3.5). */
export function definedPropertyNames(platform: StoredPlatform): ReadonlySet<string> {
  const cached = namesByPlatform.get(platform);
  if (cached) return cached;
  const names = new Set([...platform.required, ...platform.optional]);
  namesByPlatform.set(platform, names);
  return names;
}

export function assertPropertiesDefined(platform: StoredPlatform, properties: Record<string, string>): void {
  const defined = definedPropertyNames(platform);
  for (const name of Object.keys(properties)) {
    if (!defined.has(name)) throw PvwaErrors.unknownPlatformProperty(name, platform.id);
  }
}

export function assertMandatoryPresent(platform: StoredPlatform, account: AccountPropertyView): void {
  for (const name of platform.required) {
    const coreField = CORE_FIELDS[name.toLowerCase()];
    const value = coreField ? account[coreField] : account.platformAccountProperties[name];
    if (value === undefined || value.trim() === '')
      throw PvwaErrors.missingMandatoryProperty(platform.id, name);
  }
}

/** Gen2 GET only returns properties the account's platform defines (reference §3.1). */
export function visibleProperties(
  platform: StoredPlatform | undefined,
  properties: Record<string, string>,
): Record<string, string> {
  if (!platform) return {};
  const defined = definedPropertyNames(platform);
  const visible: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) if (defined.has(name)) visible[name] = value;
  return visible;
}
