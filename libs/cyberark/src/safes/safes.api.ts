import { isCyberArkError } from '../cyberark.errors';
import { type SafeDetails, type SafeMember } from '../cyberark.types';
import { type PrivilegeCloudRequester } from '../client/privilege-cloud.requester';
import { type TenantUrls } from '../tenant/tenant-urls';
import { invalidResponse, optionalString, requireRecord } from '../wire/wire-readers';
import { toSafeDetails, toSafeMember } from './safe.mapper';

export class SafesApi {
  constructor(
    private readonly urls: TenantUrls,
    private readonly requester: PrivilegeCloudRequester,
  ) {}

  /** Throws `CyberArkSafeNotFoundError` when the Safe is missing or the service user is not a member. */
  async getSafe(name: string): Promise<SafeDetails> {
    const raw = await this.requester.json({
      method: 'GET',
      url: this.urls.api(['Safes', name]),
      route: 'Safes/{safe}',
      resource: 'safe',
      idempotent: true,
    });
    return toSafeDetails(raw, 'GET Safes/{safe}');
  }

  /** The member's permissions, or null when the Safe exists but has no such member. */
  async getSafeMember(safe: string, memberName: string): Promise<SafeMember | null> {
    const operation = 'GET Safes/{safe}/Members/{member}';
    try {
      const raw = await this.requester.json({
        method: 'GET',
        url: this.urls.api(['Safes', safe, 'Members', memberName]),
        route: 'Safes/{safe}/Members/{member}',
        resource: 'safe-member',
        idempotent: true,
      });
      return toSafeMember(raw, operation, safe);
    } catch (error) {
      if (isMissingMember(error)) return null;
      throw error;
    }
  }

  async listSafeMembers(safe: string): Promise<SafeMember[]> {
    const operation = 'GET Safes/{safe}/Members';
    const members: SafeMember[] = [];
    const visited = new Set<string>();
    let url: string | undefined = this.urls.api(['Safes', safe, 'Members']);
    while (url !== undefined && !visited.has(url)) {
      visited.add(url);
      const raw = await this.requester.json({
        method: 'GET',
        url,
        route: 'Safes/{safe}/Members',
        resource: 'safe',
        idempotent: true,
      });
      const page = requireRecord(raw, operation, 'member list');
      const value = page['value'];
      if (!Array.isArray(value)) throw invalidResponse(operation, 'value is not a list');
      members.push(...value.map((entry) => toSafeMember(entry, operation, safe)));
      const nextLink = optionalString(page, 'nextLink');
      url =
        nextLink === undefined || nextLink === '' || value.length === 0
          ? undefined
          : this.urls.resolveNextLink(nextLink);
    }
    return members;
  }
}

/** A 404 that does not name the Safe as missing is about the member. */
/**
 * CyberArk's "is not a member of Safe" answer (404 SFWS0015). Only that code means "not a member":
 * any other 404 (an unknown Safe, a PVWA older than 12.2 without the single-member route, a proxy's
 * page without a code) propagates as the error it is, so validation never misreads it as a missing membership.
 */
const MEMBER_NOT_FOUND_CODES = new Set(['SFWS0015']);

export function isMissingMember(error: unknown): boolean {
  if (!isCyberArkError(error) || error.status !== 404) return false;
  return error.allCodes.some((code) => MEMBER_NOT_FOUND_CODES.has(code.toUpperCase()));
}
