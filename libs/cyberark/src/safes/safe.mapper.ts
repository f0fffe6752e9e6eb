import {
  SAFE_PERMISSION_KEYS,
  type SafeDetails,
  type SafeMember,
  type SafePermissions,
} from '../cyberark.types';
import {
  compact,
  isWireRecord,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
} from '../wire/wire-readers';

export function toSafeDetails(raw: unknown, operation: string): SafeDetails {
  const record = requireRecord(raw, operation, 'safe');
  const safeName = requireString(record, 'safeName', operation);
  return compact({
    safeUrlId: optionalString(record, 'safeUrlId') ?? safeName,
    safeName,
    safeNumber: optionalNumber(record, 'safeNumber'),
    description: optionalString(record, 'description'),
    location: optionalString(record, 'location'),
    managingCPM: optionalString(record, 'managingCPM'),
    olacEnabled: optionalBoolean(record, 'olacEnabled'),
    numberOfVersionsRetention: optionalNumber(record, 'numberOfVersionsRetention'),
    numberOfDaysRetention: optionalNumber(record, 'numberOfDaysRetention'),
    autoPurgeEnabled: optionalBoolean(record, 'autoPurgeEnabled'),
    creationTime: optionalNumber(record, 'creationTime'),
    lastModificationTime: optionalNumber(record, 'lastModificationTime'),
  });
}

export function toSafeMember(raw: unknown, operation: string, safe: string): SafeMember {
  const record = requireRecord(raw, operation, 'safe member');
  const expiry = record['membershipExpirationDate'];
  return compact({
    safeName: optionalString(record, 'safeName') ?? safe,
    memberName: requireString(record, 'memberName', operation),
    memberId: optionalString(record, 'memberId'),
    memberType: optionalString(record, 'memberType'),
    isExpiredMembershipEnable: optionalBoolean(record, 'isExpiredMembershipEnable'),
    isPredefinedUser: optionalBoolean(record, 'isPredefinedUser'),
    isReadOnly: optionalBoolean(record, 'isReadOnly'),
    membershipExpirationDate: expiry === null ? null : optionalNumber(record, 'membershipExpirationDate'),
    permissions: toPermissions(optionalRecord(record, 'permissions')),
  });
}

/** Every documented key, false when absent; keys matched case-insensitively (casing drifts between versions). */
export function toPermissions(raw: unknown): SafePermissions {
  const byLowerKey = new Map<string, unknown>();
  if (isWireRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) byLowerKey.set(key.toLowerCase(), value);
  }
  const entries = SAFE_PERMISSION_KEYS.map((key) => {
    const value = byLowerKey.get(key.toLowerCase());
    return [key, value === true || (typeof value === 'string' && value.toLowerCase() === 'true')] as const;
  });
  return Object.fromEntries(entries) as SafePermissions;
}
