import { CyberArkInvalidRequestError, CyberArkRedirectRefusedError } from '../cyberark.errors';
import { encodePath, encodeQuery, TenantUrls } from './tenant-urls';
import { tenantKeyOf } from './tenant-key';

describe('TenantUrls', () => {
  const cloud = new TenantUrls(
    'https://abc123.id.cyberark.cloud',
    'https://xyz.privilegecloud.cyberark.cloud/',
  );
  const local = new TenantUrls(
    'http://127.0.0.1:18080/t/acme/identity/',
    'http://127.0.0.1:18080/t/acme/pcloud',
  );

  it('builds the token URL under the Identity base, path prefix kept', () => {
    expect(cloud.tokenUrl).toBe('https://abc123.id.cyberark.cloud/oauth2/platformtoken');
    expect(local.tokenUrl).toBe('http://127.0.0.1:18080/t/acme/identity/oauth2/platformtoken');
  });

  it('builds API URLs with encoded segments and %20 in queries', () => {
    expect(cloud.api(['Accounts'], { filter: 'safeName eq My Safe', limit: 1000, search: undefined })).toBe(
      'https://xyz.privilegecloud.cyberark.cloud/PasswordVault/API/Accounts?filter=safeName%20eq%20My%20Safe&limit=1000',
    );
    expect(local.api(['Safes', 'a/b+c&d'])).toBe(
      'http://127.0.0.1:18080/t/acme/pcloud/PasswordVault/API/Safes/a%2Fb%2Bc%26d',
    );
  });

  it('appends a slash when the last segment contains a dot', () => {
    expect(cloud.api(['Safes', 'S', 'Members', 'user@cyber.com'])).toBe(
      'https://xyz.privilegecloud.cyberark.cloud/PasswordVault/API/Safes/S/Members/user%40cyber.com/',
    );
    expect(encodePath(['Safes', 'NoDot'])).toBe('Safes/NoDot');
  });

  it('refuses empty and dot segments', () => {
    expect(() => cloud.api(['Accounts', ''])).toThrow(CyberArkInvalidRequestError);
    expect(() => cloud.api(['Accounts', '..'])).toThrow(CyberArkInvalidRequestError);
  });

  describe('resolveNextLink', () => {
    it('resolves CyberArk relative links against /PasswordVault/', () => {
      expect(cloud.resolveNextLink('api/Accounts?limit=1000&offset=1000&filter=safeName%20eq%20S')).toBe(
        'https://xyz.privilegecloud.cyberark.cloud/PasswordVault/api/Accounts?limit=1000&offset=1000&filter=safeName%20eq%20S',
      );
      expect(local.resolveNextLink('api/Accounts?offset=1000')).toBe(
        'http://127.0.0.1:18080/t/acme/pcloud/PasswordVault/api/Accounts?offset=1000',
      );
    });

    it('reads /PasswordVault/... as relative to the tenant, path prefix included', () => {
      expect(local.resolveNextLink('/PasswordVault/api/Accounts?offset=2')).toBe(
        'http://127.0.0.1:18080/t/acme/pcloud/PasswordVault/api/Accounts?offset=2',
      );
    });

    it('puts back query parameters the link dropped, and only those', () => {
      const url = cloud.resolveNextLink('api/Accounts?offset=1000&Limit=1000', {
        filter: 'safeName eq S',
        limit: 1000,
        search: undefined,
      });
      expect(url).toBe(
        'https://xyz.privilegecloud.cyberark.cloud/PasswordVault/api/Accounts?offset=1000&Limit=1000&filter=safeName%20eq%20S',
      );
    });

    it.each([
      'https://evil.example/PasswordVault/api/Accounts?offset=1',
      '//evil.example/api/Accounts',
      'https://user:pw@xyz.privilegecloud.cyberark.cloud/PasswordVault/api/Accounts',
      'http://xyz.privilegecloud.cyberark.cloud/PasswordVault/api/Accounts',
    ])('refuses %s', (link) => {
      expect(() => cloud.resolveNextLink(link)).toThrow(CyberArkRedirectRefusedError);
    });

    it('refuses a link that climbs out of the tenant path prefix', () => {
      expect(() => local.resolveNextLink('../../other/PasswordVault/api/Accounts')).toThrow(
        CyberArkRedirectRefusedError,
      );
    });
  });

  it.each(['not a url', 'ftp://host', 'https://u:p@host', 'https://host/?q=1'])(
    'refuses base URL %p',
    (url) => {
      expect(() => new TenantUrls(url, 'https://ok.example')).toThrow(CyberArkInvalidRequestError);
    },
  );

  it('encodes an empty query as nothing', () => {
    expect(encodeQuery({ a: undefined })).toBe('');
  });
});

describe('tenantKeyOf', () => {
  it('ignores trailing slashes and host case, keeps the client id', () => {
    const a = tenantKeyOf({
      identityUrl: 'https://ABC.id.cyberark.cloud/',
      privilegeCloudUrl: 'https://x.example',
      clientId: 'svc@t',
    });
    const b = tenantKeyOf({
      identityUrl: 'https://abc.id.cyberark.cloud',
      privilegeCloudUrl: 'https://x.example/',
      clientId: 'svc@t',
    });
    const c = tenantKeyOf({
      identityUrl: 'https://abc.id.cyberark.cloud',
      privilegeCloudUrl: 'https://x.example/',
      clientId: 'other@t',
    });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
