import {
  CyberArkPermissionError,
  CyberArkPlatformNotFoundError,
  CyberArkSafeNotFoundError,
  type PlatformDefinition,
  SAFE_PERMISSION_KEYS,
  type SafeMember,
  type SafePermissions,
} from '@vault-backup/cyberark';
import { BACKUP_PLATFORM_PROPERTIES } from '../../pipeline/mapping/backup-properties';
import { assembleReport } from './check-report';
import {
  failedCheck,
  permissionsCheck,
  platformCheck,
  propertiesCheck,
  REQUIRED_SAFE_PERMISSIONS,
} from './target-checks';

function member(granted: readonly string[]): SafeMember {
  const permissions = Object.fromEntries(
    SAFE_PERMISSION_KEYS.map((key) => [key, granted.includes(key)]),
  ) as SafePermissions;
  return { safeName: 'S', memberName: 'svc', permissions };
}

function platform(overrides: Partial<PlatformDefinition> = {}): PlatformDefinition {
  return {
    id: 'P',
    name: 'P',
    active: true,
    requiredProperties: ['Address'],
    optionalProperties: [...BACKUP_PLATFORM_PROPERTIES],
    ...overrides,
  };
}

describe('permissionsCheck', () => {
  it('requires View Safe Members besides the four the backup uses, and names it', () => {
    expect(REQUIRED_SAFE_PERMISSIONS).toEqual([
      'listAccounts',
      'addAccounts',
      'updateAccountContent',
      'updateAccountProperties',
      'viewSafeMembers',
    ]);
    expect(permissionsCheck('S', member(REQUIRED_SAFE_PERMISSIONS)).status).toBe('passed');
    const withoutView = permissionsCheck(
      'S',
      member(REQUIRED_SAFE_PERMISSIONS.filter((key) => key !== 'viewSafeMembers')),
    );
    expect(withoutView).toMatchObject({ status: 'failed', missing: ['viewSafeMembers'] });
    expect(withoutView.message).toContain('viewSafeMembers (View Safe Members)');
  });

  it('names each missing permission in order, with its UI label', () => {
    const result = permissionsCheck(
      'S',
      member(['listAccounts', 'updateAccountProperties', 'viewSafeMembers']),
    );
    expect(result).toMatchObject({ status: 'failed', missing: ['addAccounts', 'updateAccountContent'] });
    expect(result.message).toContain(
      'addAccounts (Add accounts), updateAccountContent (Update account content)',
    );
  });

  it('treats a missing direct membership as every permission missing, saying why', () => {
    const result = permissionsCheck('S', null);
    expect(result).toMatchObject({ status: 'failed', missing: REQUIRED_SAFE_PERMISSIONS });
    expect(result.message).toMatch(/can see Safe "S" but is not a direct member of it/);
    expect(result.message).toContain('viewSafeMembers (View Safe Members)');
  });
});

describe('platform checks', () => {
  it('passes an active platform with all ten optional properties', () => {
    expect(platformCheck(platform()).status).toBe('passed');
    expect(propertiesCheck(platform()).status).toBe('passed');
  });

  it('accepts properties the platform also has of its own', () => {
    expect(
      propertiesCheck(platform({ optionalProperties: [...BACKUP_PLATFORM_PROPERTIES, 'Port'] })).status,
    ).toBe('passed');
  });

  it('fails an inactive platform', () => {
    expect(platformCheck(platform({ active: false }))).toMatchObject({ status: 'failed' });
  });

  it('names missing properties and required ones that must be optional; names are case-sensitive', () => {
    const result = propertiesCheck(
      platform({
        optionalProperties: [
          ...BACKUP_PLATFORM_PROPERTIES.filter((name) => !['url', 'email', 'totpSecret'].includes(name)),
          'URL',
        ],
        requiredProperties: ['Address', 'email'],
      }),
    );
    expect(result).toMatchObject({
      status: 'failed',
      missing: ['url', 'totpSecret'],
      mustBeOptional: ['email'],
    });
  });
});

describe('failedCheck', () => {
  it.each([
    [
      new CyberArkSafeNotFoundError('x', { status: 404 }),
      'safe',
      /^Safe "X" was not found: no Safe has this exact name, or the service user is not a member of it .*viewSafeMembers \(View Safe Members\)/,
    ],
    [
      new CyberArkSafeNotFoundError('x', { status: 404 }),
      'safe-permissions',
      /^Safe "X" is visible to the service user, but reading its members answered "Safe not found": the service user cannot view the Safe's members; grant it viewSafeMembers \(View Safe Members\)/,
    ],
    [new CyberArkPlatformNotFoundError('x'), 'platform', /does not exist/],
    [
      new CyberArkPermissionError('x', { status: 403 }),
      'safe-permissions',
      /is a member of Safe "X" but may not view its members, its own membership included; grant it viewSafeMembers \(View Safe Members\)/,
    ],
    [
      new CyberArkPermissionError('x', { status: 403 }),
      'platform',
      /not allowed to read platform definitions/,
    ],
  ] as const)('%s on %s', (error, name, message) => {
    expect(failedCheck(name, error, 'X')).toMatchObject({
      name,
      status: 'failed',
      message: expect.stringMatching(message),
    });
  });

  it('says what is missing when the members cannot be viewed, whatever the answer (403 or "Safe not found")', () => {
    for (const error of [
      new CyberArkPermissionError('x', { status: 403 }),
      new CyberArkSafeNotFoundError('x', { status: 404 }),
    ]) {
      expect(failedCheck('safe-permissions', error, 'X').missing).toEqual(['viewSafeMembers']);
    }
    expect(
      failedCheck('safe', new CyberArkSafeNotFoundError('x', { status: 404 }), 'X').missing,
    ).toBeUndefined();
  });
});

describe('assembleReport', () => {
  it('passes only when every check passed, and surfaces what is missing', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const failed = assembleReport(
      'targets',
      [permissionsCheck('S', member([])), propertiesCheck(platform({ optionalProperties: [] }))],
      now,
    );
    expect(failed).toMatchObject({
      outcome: 'failed',
      checkedAt: '2026-01-01T00:00:00.000Z',
      missingPermissions: REQUIRED_SAFE_PERMISSIONS,
      missingProperties: BACKUP_PLATFORM_PROPERTIES,
    });
    expect(assembleReport('targets', [platformCheck(platform())], now).outcome).toBe('passed');
  });
});
