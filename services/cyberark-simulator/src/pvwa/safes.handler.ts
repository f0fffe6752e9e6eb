import { queryValue } from '../http/request-path';
import { type Reply } from '../http/http.types';
import { type StoredMember, type StoredSafe } from '../state/state.types';
import { parseLimit, parseOffset } from './account-query';
import { type PvwaContext } from './pvwa.context';
import { PvwaErrors } from './pvwa.errors';
import { membershipOf, requirePermission } from './safe-access';

const DEFAULT_SAFES_LIMIT = 25;

function toApiSafe(safe: StoredSafe, includeAccounts: boolean) {
  return {
    safeUrlId: encodeURIComponent(safe.safeName),
    safeName: safe.safeName,
    safeNumber: safe.safeNumber,
    description: safe.description,
    location: '\\',
    creator: { id: '2', name: 'Administrator' },
    olacEnabled: false,
    managingCPM: '',
    numberOfVersionsRetention: null,
    numberOfDaysRetention: 7,
    autoPurgeEnabled: false,
    creationTime: safe.creationTime,
    lastModificationTime: safe.lastModificationTimeMicros,
    accounts: includeAccounts ? [...safe.accounts.values()].map(({ id, name }) => ({ id, name })) : [],
    isExpiredMember: false,
  };
}

function toApiMember(safe: StoredSafe, member: StoredMember) {
  return {
    safeUrlId: encodeURIComponent(safe.safeName),
    safeName: safe.safeName,
    safeNumber: safe.safeNumber,
    memberId: member.memberId,
    memberName: member.memberName,
    memberType: member.memberType,
    membershipExpirationDate: null,
    isExpiredMembershipEnable: false,
    isPredefinedUser: false,
    isReadOnly: false,
    permissions: { ...member.permissions },
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/** A Safe the caller is not a member of is indistinguishable from a missing one. */
function visibleSafe(context: PvwaContext, safeUrlId: string): StoredSafe {
  const safe = context.tenant.getSafe(safeUrlId);
  if (!safe || !membershipOf(safe, context.caller)) throw PvwaErrors.safeNotFound(safeUrlId);
  return safe;
}

export function listSafes(context: PvwaContext): Reply {
  const { query, tenant, caller } = context;
  const search = queryValue(query, 'search')?.toLowerCase() ?? '';
  const offset = parseOffset(queryValue(query, 'offset'));
  const limit = parseLimit(queryValue(query, 'limit'), tenant.behaviour.limitAboveMax, DEFAULT_SAFES_LIMIT);
  const descending = /\sdesc$/i.test(queryValue(query, 'sort') ?? '');
  const matches = tenant
    .listSafes()
    .filter((safe) => membershipOf(safe, caller) && safe.safeName.toLowerCase().includes(search))
    .sort((left, right) => left.safeName.localeCompare(right.safeName, 'en', { sensitivity: 'base' }));
  if (descending) matches.reverse();
  const includeAccounts = isTrue(queryValue(query, 'includeAccounts'));
  const value = matches.slice(offset, offset + limit).map((safe) => toApiSafe(safe, includeAccounts));
  const next = offset + limit;
  const nextLink =
    next < matches.length
      ? `api/Safes?offset=${next}&limit=${limit}${search ? `&search=${encodeURIComponent(search)}` : ''}`
      : undefined;
  return { status: 200, body: { value, count: matches.length, ...(nextLink ? { nextLink } : {}) } };
}

export function getSafe(context: PvwaContext, [safeUrlId = '']: readonly string[]): Reply {
  const safe = visibleSafe(context, safeUrlId);
  return { status: 200, body: toApiSafe(safe, isTrue(queryValue(context.query, 'includeAccounts'))) };
}

export function listSafeMembers(context: PvwaContext, [safeUrlId = '']: readonly string[]): Reply {
  const safe = visibleSafe(context, safeUrlId);
  requirePermission(safe, context.caller, 'viewSafeMembers', () => PvwaErrors.safeNotFound(safeUrlId));
  const search = queryValue(context.query, 'search')?.toLowerCase() ?? '';
  const memberType = /memberType\s+eq\s+(\w+)/i
    .exec(queryValue(context.query, 'filter') ?? '')?.[1]
    ?.toLowerCase();
  const offset = parseOffset(queryValue(context.query, 'offset'));
  const limit = parseLimit(
    queryValue(context.query, 'limit'),
    context.tenant.behaviour.limitAboveMax,
    DEFAULT_SAFES_LIMIT,
  );
  const matches = [...safe.members.values()].filter(
    (member) =>
      member.memberName.toLowerCase().includes(search) &&
      (memberType === undefined || member.memberType.toLowerCase() === memberType),
  );
  const value = matches.slice(offset, offset + limit).map((member) => toApiMember(safe, member));
  return { status: 200, body: { value, count: matches.length } };
}

export function getSafeMember(
  context: PvwaContext,
  [safeUrlId = '', memberName = '']: readonly string[],
): Reply {
  const safe = visibleSafe(context, safeUrlId);
  requirePermission(safe, context.caller, 'viewSafeMembers', () => PvwaErrors.safeNotFound(safeUrlId));
  const member = safe.members.get(memberName.toLowerCase());
  if (!member) throw PvwaErrors.memberNotFound(memberName, safe.safeName);
  return { status: 200, body: toApiMember(safe, member) };
}
