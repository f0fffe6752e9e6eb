import { CyberArkPlatformNotFoundError } from '../cyberark.errors';
import { type PlatformDefinition, type PlatformDetails } from '../cyberark.types';
import { type PrivilegeCloudRequester } from '../client/privilege-cloud.requester';
import { type TenantUrls } from '../tenant/tenant-urls';
import { toPlatformDetails, toPlatformList } from './platform.mapper';

export class PlatformsApi {
  constructor(
    private readonly urls: TenantUrls,
    private readonly requester: PrivilegeCloudRequester,
  ) {}

  /**
   * The platform whose `general.id` equals `id` exactly, with its required and optional property names.
   * `Search` is a contains-match on names, so the exact pick happens here.
   */
  async getPlatform(id: string): Promise<PlatformDefinition> {
    const operation = 'GET Platforms';
    const raw = await this.requester.json({
      method: 'GET',
      url: this.urls.api(['Platforms'], { Search: id }),
      route: 'Platforms',
      resource: 'platform',
      idempotent: true,
    });
    const platform = toPlatformList(raw, operation).find((candidate) => candidate.id === id);
    if (platform === undefined) {
      throw new CyberArkPlatformNotFoundError(`${operation}: no platform has the exact id requested`, {
        operation,
      });
    }
    return platform;
  }

  async getPlatformDetails(id: string): Promise<PlatformDetails> {
    const raw = await this.requester.json({
      method: 'GET',
      url: this.urls.api(['Platforms', id]),
      route: 'Platforms/{id}',
      resource: 'platform',
      idempotent: true,
    });
    return toPlatformDetails(raw, 'GET Platforms/{id}', id);
  }
}
