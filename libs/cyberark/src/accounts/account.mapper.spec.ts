import { Secret } from '@vault-backup/config';
import { CyberArkUnavailableError } from '../cyberark.errors';
import { toAccountPage, toAddAccountBody, toCyberArkAccount } from './account.mapper';

describe('account mapper', () => {
  const wire = {
    id: '51_3',
    name: 'acct',
    address: '10.0.1.30',
    userName: 'login',
    platformId: 'CiscoSSH',
    safeName: 'Cisco',
    secretType: 'password',
    secret: 'should-never-be-copied',
    platformAccountProperties: { Type: 'ciscouser', Port: 22, Nested: { a: 1 } },
    secretManagement: { automaticManagementEnabled: 'false', lastModifiedTime: 1521654563 },
    createdTime: 1521654563,
    somethingNew: 'ignored',
  };

  it('whitelists documented fields and normalises types', () => {
    const account = toCyberArkAccount(wire, 'GET Accounts/{id}');
    expect(account).toEqual({
      id: '51_3',
      name: 'acct',
      address: '10.0.1.30',
      userName: 'login',
      platformId: 'CiscoSSH',
      safeName: 'Cisco',
      secretType: 'password',
      platformAccountProperties: { Type: 'ciscouser', Port: '22' },
      secretManagement: { automaticManagementEnabled: false, lastModifiedTime: 1521654563 },
      createdTime: 1521654563,
    });
    expect(JSON.stringify(account)).not.toContain('should-never-be-copied');
  });

  it('refuses an account without an id as an invalid response', () => {
    expect(() => toCyberArkAccount({ name: 'x' }, 'GET Accounts')).toThrow(CyberArkUnavailableError);
  });

  it('reads pages with and without nextLink', () => {
    expect(
      toAccountPage({ value: [wire], count: 1, nextLink: 'api/Accounts?offset=1' }, 'GET Accounts'),
    ).toMatchObject({
      nextLink: 'api/Accounts?offset=1',
    });
    expect(toAccountPage({ value: [], count: 0, nextLink: '' }, 'GET Accounts')).toEqual({ accounts: [] });
  });

  it('reveals secrets only in the POST body', () => {
    const body = toAddAccountBody({
      name: 'n',
      safeName: 's',
      platformId: 'p',
      secret: new Secret('pw-123'),
      platformAccountProperties: { totpSecret: new Secret('seed-456'), Url: 'u' },
      secretManagement: { automaticManagementEnabled: false, manualManagementReason: 'DR copy' },
    });
    expect(JSON.parse(body)).toEqual({
      name: 'n',
      safeName: 's',
      platformId: 'p',
      secretType: 'password',
      secret: 'pw-123',
      platformAccountProperties: { totpSecret: 'seed-456', Url: 'u' },
      secretManagement: { automaticManagementEnabled: false, manualManagementReason: 'DR copy' },
    });
  });
});
