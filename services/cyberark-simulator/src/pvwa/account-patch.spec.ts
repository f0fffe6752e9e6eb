import { SimulatedHttpError } from '../http/http.errors';
import { type StoredAccount } from '../state/state.types';
import {
  applyPatch,
  lastOperationPerTarget,
  parsePatchDocument,
  type PatchOperation,
  type PatchRules,
  resolvePatchPath,
} from './account-patch';

function account(): StoredAccount {
  return {
    id: '2_1',
    name: 'acc',
    address: 'old.example.com',
    userName: 'admin',
    platformId: 'WinDomain',
    safeName: 'Backup',
    secretType: 'password',
    secret: 's',
    platformAccountProperties: { Port: '22' },
    secretManagement: { automaticManagementEnabled: true, status: 'success', lastModifiedTime: 1 },
    createdTime: 1,
    categoryModificationTime: 1,
  };
}

const STRICT: PatchRules = { removeAbsentProperty: 'reject' };

function patched(operations: PatchOperation[], rules = STRICT) {
  return applyPatch(account(), operations, rules);
}

function errorCode(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedHttpError) return `${error.reply.status} ${error.code}`;
    throw error;
  }
  throw new Error('expected a SimulatedHttpError');
}

describe('parsePatchDocument', () => {
  it('requires a non-empty array of operations with a known op and a path', () => {
    expect(errorCode(() => parsePatchDocument({ op: 'add' }))).toBe('400 PASWS168E');
    expect(errorCode(() => parsePatchDocument([]))).toBe('400 PASWS168E');
    expect(errorCode(() => parsePatchDocument([{ op: 'move', path: '/name' }]))).toBe('400 PASWS167E');
    expect(errorCode(() => parsePatchDocument([{ op: 'add', path: 'name' }]))).toBe('400 PASWS167E');
    expect(parsePatchDocument([{ op: 'Replace', path: '/name', value: 'x' }])).toEqual([
      { op: 'replace', path: '/name', value: 'x' },
    ]);
  });
});

describe('resolvePatchPath', () => {
  it('matches top-level fields case-insensitively (ARKPY sends /username)', () => {
    expect(resolvePatchPath('/username')).toEqual({ kind: 'core', field: 'userName' });
    expect(resolvePatchPath('/PlatformId')).toEqual({ kind: 'core', field: 'platformId' });
  });

  it('keeps property names as given, unescaping JSON Pointer', () => {
    expect(resolvePatchPath('/platformAccountProperties/LogonDomain')).toEqual({
      kind: 'property',
      name: 'LogonDomain',
    });
    expect(resolvePatchPath('/platformaccountproperties/a~1b~0c')).toEqual({
      kind: 'property',
      name: 'a/b~c',
    });
  });

  it('knows the secretManagement and remoteMachinesAccess leaves', () => {
    expect(resolvePatchPath('/secretManagement/automaticManagementEnabled')).toEqual({
      kind: 'secretManagement',
      field: 'automaticManagementEnabled',
    });
    expect(resolvePatchPath('/remoteMachinesAccess/remoteMachines')).toEqual({
      kind: 'remoteMachinesAccess',
      field: 'remoteMachines',
    });
  });

  it.each([
    '/safeName',
    '/secret',
    '/id',
    '/port',
    '/platformAccountProperties',
    '/platformAccountProperties/a/b',
  ])('rejects %s', (path) => expect(errorCode(() => resolvePatchPath(path))).toBe('400 PASWS167E'));
});

describe('applyPatch', () => {
  it('applies add, replace and remove without touching the stored account', () => {
    const original = account();
    const draft = applyPatch(
      original,
      [
        { op: 'replace', path: '/address', value: 'new.example.com' },
        { op: 'add', path: '/platformAccountProperties/LogonDomain', value: 'CORP' },
        { op: 'remove', path: '/platformAccountProperties/Port' },
      ],
      STRICT,
    );
    expect(draft.address).toBe('new.example.com');
    expect(draft.platformAccountProperties).toEqual({ LogonDomain: 'CORP' });
    expect(original.address).toBe('old.example.com');
    expect(original.platformAccountProperties).toEqual({ Port: '22' });
  });

  it('fails replace of a property the account lacks with PASWS164E; add creates it', () => {
    expect(
      errorCode(() => patched([{ op: 'replace', path: '/platformAccountProperties/Missing', value: 'x' }])),
    ).toBe('400 PASWS164E');
    expect(
      patched([{ op: 'add', path: '/platformAccountProperties/Missing', value: 'x' }])
        .platformAccountProperties.Missing,
    ).toBe('x');
  });

  it('fails remove of a property the account lacks with PASWS164E, unless the tenant ignores it', () => {
    const removeMissing: PatchOperation[] = [
      { op: 'replace', path: '/address', value: 'changed' },
      { op: 'remove', path: '/platformAccountProperties/Missing' },
    ];
    expect(errorCode(() => patched(removeMissing))).toBe('400 PASWS164E');
    const lenient = patched(removeMissing, { removeAbsentProperty: 'ignore' });
    expect(lenient.address).toBe('changed');
    expect(lenient.platformAccountProperties).toEqual({ Port: '22' });
  });

  it('treats property names case-sensitively', () => {
    expect(
      errorCode(() => patched([{ op: 'replace', path: '/platformAccountProperties/port', value: '23' }])),
    ).toBe('400 PASWS164E');
    expect(errorCode(() => patched([{ op: 'remove', path: '/platformAccountProperties/port' }]))).toBe(
      '400 PASWS164E',
    );
  });

  it('lets only the last operation on a path count, even if an earlier one would fail', () => {
    const draft = patched([
      { op: 'replace', path: '/platformAccountProperties/Missing', value: 'first' },
      { op: 'add', path: '/platformAccountProperties/Missing', value: 'last' },
      { op: 'replace', path: '/name', value: 'one' },
      { op: 'replace', path: '/NAME', value: 'two' },
    ]);
    expect(draft.platformAccountProperties.Missing).toBe('last');
    expect(draft.name).toBe('two');
    expect(
      lastOperationPerTarget([
        { op: 'add', path: '/name', value: 'a' },
        { op: 'add', path: '/address', value: 'b' },
        { op: 'add', path: '/name', value: 'c' },
      ]).map((entry) => entry.operation.value),
    ).toEqual(['b', 'c']);
  });

  it('accepts booleans as JSON booleans or strings, and rejects anything else', () => {
    const fromString = patched([
      { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: 'False' },
    ]);
    expect(fromString.secretManagement.automaticManagementEnabled).toBe(false);
    const fromBoolean = patched([
      { op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: false },
      { op: 'add', path: '/secretManagement/manualManagementReason', value: '[No Reason]' },
    ]);
    expect(fromBoolean.secretManagement).toMatchObject({
      automaticManagementEnabled: false,
      manualManagementReason: '[No Reason]',
    });
    expect(
      errorCode(() =>
        patched([{ op: 'replace', path: '/secretManagement/automaticManagementEnabled', value: 'nope' }]),
      ),
    ).toBe('400 PASWS167E');
  });

  it('refuses to remove core fields, blank names and linked-account properties', () => {
    expect(errorCode(() => patched([{ op: 'remove', path: '/address' }]))).toBe('400 PASWS167E');
    expect(errorCode(() => patched([{ op: 'replace', path: '/name', value: ' ' }]))).toBe('400 PASWS167E');
    expect(
      errorCode(() =>
        patched([{ op: 'add', path: '/platformAccountProperties/ExtraPass3Name', value: 'x' }]),
      ),
    ).toBe('400 PASWS167E');
    expect(errorCode(() => patched([{ op: 'add', path: '/address', value: { nested: true } }]))).toBe(
      '400 PASWS167E',
    );
  });

  it('edits remote machine access', () => {
    const draft = patched([
      { op: 'add', path: '/remoteMachinesAccess/remoteMachines', value: 'a;b' },
      { op: 'add', path: '/remoteMachinesAccess/accessRestrictedToRemoteMachines', value: 'true' },
    ]);
    expect(draft.remoteMachinesAccess).toEqual({
      remoteMachines: 'a;b',
      accessRestrictedToRemoteMachines: true,
    });
  });
});
