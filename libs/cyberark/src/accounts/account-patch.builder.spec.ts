import { Secret } from '@vault-backup/config';
import { CyberArkInvalidRequestError } from '../cyberark.errors';
import { type CyberArkAccount, type JsonPatchOp } from '../cyberark.types';
import {
  assertValidPatch,
  buildAccountPatch,
  propertyPath,
  reconcilePatch,
  secretsInPatch,
  toPatchBody,
} from './account-patch.builder';

const current: CyberArkAccount = {
  id: '12_3',
  name: 'acct-1',
  safeName: 'Backup',
  platformId: 'WinDomain',
  address: 'old.example.com',
  userName: 'alice',
  platformAccountProperties: { Port: '22', Comment: 'old', Stale: 'x' },
  secretManagement: { automaticManagementEnabled: false, manualManagementReason: 'backup copy' },
};

describe('buildAccountPatch', () => {
  it('sends nothing when nothing differs', () => {
    expect(
      buildAccountPatch(current, {
        name: 'acct-1',
        address: 'old.example.com',
        platformAccountProperties: { Port: '22' },
        secretManagement: { automaticManagementEnabled: false },
      }),
    ).toEqual([]);
  });

  it('replaces changed fields and adds missing properties', () => {
    const ops = buildAccountPatch(current, {
      address: 'new.example.com',
      platformAccountProperties: { Port: '2222', Comment: 'old', Url: 'https://x' },
    });
    expect(ops).toEqual([
      { op: 'replace', path: '/address', value: 'new.example.com' },
      { op: 'replace', path: '/platformAccountProperties/Port', value: '2222' },
      { op: 'add', path: '/platformAccountProperties/Url', value: 'https://x' },
    ]);
  });

  it('adds a top-level field the account does not have', () => {
    const { userName: _dropped, ...withoutUser } = current;
    expect(buildAccountPatch(withoutUser, { userName: 'bob' })).toEqual([
      { op: 'add', path: '/userName', value: 'bob' },
    ]);
  });

  it('removes unlisted properties only when asked', () => {
    const desired = { platformAccountProperties: { Port: '22', Comment: 'old' } };
    expect(buildAccountPatch(current, desired)).toEqual([]);
    expect(buildAccountPatch(current, desired, { removeUnlistedProperties: true })).toEqual([
      { op: 'remove', path: '/platformAccountProperties/Stale' },
    ]);
  });

  it('patches secretManagement fields one by one', () => {
    expect(
      buildAccountPatch(current, {
        secretManagement: { automaticManagementEnabled: true, manualManagementReason: 'DR' },
      }),
    ).toEqual([
      { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: true },
      { op: 'replace', path: '/secretManagement/manualManagementReason', value: 'DR' },
    ]);
  });

  it('always rewrites a secret-valued property, since it cannot be compared', () => {
    const seed = new Secret('JBSWY3DPEHPK3PXP');
    const ops = buildAccountPatch(
      { ...current, platformAccountProperties: { totpSecret: 'whatever' } },
      {
        platformAccountProperties: { totpSecret: seed },
      },
    );
    expect(ops).toEqual([{ op: 'replace', path: '/platformAccountProperties/totpSecret', value: seed }]);
    expect(secretsInPatch(ops)).toEqual([seed]);
    expect(JSON.stringify(ops)).not.toContain('JBSWY3DP');
    expect(toPatchBody(ops)).toContain('JBSWY3DP');
  });
});

describe('propertyPath', () => {
  it('escapes ~ and / per RFC 6901', () => {
    expect(propertyPath('a/b~c')).toBe('/platformAccountProperties/a~1b~0c');
  });

  it('refuses an empty name', () => {
    expect(() => propertyPath('')).toThrow(CyberArkInvalidRequestError);
  });
});

describe('assertValidPatch', () => {
  it.each<JsonPatchOp[]>([
    [{ op: 'replace', path: '/name', value: 'n' }],
    [{ op: 'add', path: '/platformAccountProperties/Port', value: '1' }],
    [{ op: 'remove', path: '/platformAccountProperties/Port' }],
    [{ op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: false }],
  ])('accepts %p', (op) => {
    expect(() => assertValidPatch([op])).not.toThrow();
  });

  it.each([
    { op: 'replace', path: '/safeName', value: 'other' },
    { op: 'replace', path: '/platformAccountProperties', value: '{}' },
    { op: 'replace', path: '/platformAccountProperties/a/b', value: 'x' },
    { op: 'move', path: '/name', value: 'x' },
    { op: 'replace', path: '/name', value: 5 },
  ])('refuses %p', (op) => {
    expect(() => assertValidPatch([op as unknown as JsonPatchOp])).toThrow(CyberArkInvalidRequestError);
  });
});

describe('reconcilePatch', () => {
  const held = {
    id: '7_1',
    name: 'n',
    safeName: 's',
    platformId: 'p',
    address: 'host',
    platformAccountProperties: { Port: '22', LogonDomain: 'CORP' },
  };

  it('drops removes of absent fields and turns replaces of absent fields into adds', () => {
    expect(
      reconcilePatch(
        [
          { op: 'replace', path: '/platformAccountProperties/A', value: '1' },
          { op: 'remove', path: '/platformAccountProperties/B' },
          { op: 'replace', path: '/userName', value: 'u' },
          { op: 'remove', path: '/platformAccountProperties/port' },
          { op: 'replace', path: '/platformAccountProperties/LOGONDOMAIN', value: 'X' },
          { op: 'replace', path: '/address', value: 'other' },
        ],
        held,
      ),
    ).toEqual([
      { op: 'add', path: '/platformAccountProperties/A', value: '1' },
      { op: 'add', path: '/userName', value: 'u' },
      { op: 'remove', path: '/platformAccountProperties/port' },
      { op: 'replace', path: '/platformAccountProperties/LOGONDOMAIN', value: 'X' },
      { op: 'replace', path: '/address', value: 'other' },
    ]);
  });

  it('leaves nothing to send when every remove is already done', () => {
    expect(reconcilePatch([{ op: 'remove', path: '/platformAccountProperties/Gone' }], held)).toEqual([]);
  });
});

describe('toPatchBody', () => {
  it('serialises ops as a JSON array with no value on remove', () => {
    expect(
      JSON.parse(
        toPatchBody([
          { op: 'replace', path: '/address', value: 'a' },
          { op: 'remove', path: '/platformAccountProperties/X' },
        ]),
      ),
    ).toEqual([
      { op: 'replace', path: '/address', value: 'a' },
      { op: 'remove', path: '/platformAccountProperties/X' },
    ]);
  });
});
