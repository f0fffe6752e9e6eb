import { TenantUrlPolicy } from '@vault-backup/url-policy';
import { RequestValidationError } from '../http/admin.errors';
import { resolveTenantUrls } from './tenant-url-roles';

const policy = new TenantUrlPolicy({ allowInsecureLoopback: true });

describe('resolveTenantUrls', () => {
  it('keeps correctly ordered URLs, canonicalised', () => {
    expect(
      resolveTenantUrls(policy, {
        identityTenantUrl: 'https://ABC.id.cyberark.cloud/',
        privilegeCloudUrl: 'https://xyz.privilegecloud.cyberark.cloud',
      }),
    ).toEqual({
      urls: {
        identityUrl: 'https://abc.id.cyberark.cloud',
        privilegeCloudUrl: 'https://xyz.privilegecloud.cyberark.cloud',
      },
      notices: [],
    });
  });

  it('swaps URLs whose hosts show they were given the wrong way round, and says so', () => {
    const result = resolveTenantUrls(policy, {
      identityTenantUrl: 'https://xyz.privilegecloud.cyberark.cloud',
      privilegeCloudUrl: 'https://abc.id.cyberark.cloud',
    });
    expect(result.urls).toEqual({
      identityUrl: 'https://abc.id.cyberark.cloud',
      privilegeCloudUrl: 'https://xyz.privilegecloud.cyberark.cloud',
    });
    expect(result.notices).toHaveLength(1);
  });

  it('does not guess when only one host is telling', () => {
    const result = resolveTenantUrls(policy, {
      identityTenantUrl: 'https://xyz.privilegecloud.cyberark.cloud',
      privilegeCloudUrl: 'https://tenant.cyberark.cloud',
    });
    expect(result.urls.identityUrl).toBe('https://xyz.privilegecloud.cyberark.cloud');
    expect(result.notices).toEqual([]);
  });

  it('names every broken field with the policy reason', () => {
    let error: unknown;
    try {
      resolveTenantUrls(policy, {
        identityTenantUrl: 'https://169.254.169.254',
        privilegeCloudUrl: 'https://x.cyberark.cloud.evil.com',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).problems).toEqual([
      expect.objectContaining({ field: 'identityTenantUrl', reason: 'ip-literal-not-allowed' }),
      expect.objectContaining({ field: 'privilegeCloudUrl', reason: 'host-not-allowed' }),
    ]);
  });

  it('refuses the same URL for both roles', () => {
    expect(() =>
      resolveTenantUrls(policy, {
        identityTenantUrl: 'https://a.id.cyberark.cloud',
        privilegeCloudUrl: 'https://a.id.cyberark.cloud/',
      }),
    ).toThrow(RequestValidationError);
  });
});
