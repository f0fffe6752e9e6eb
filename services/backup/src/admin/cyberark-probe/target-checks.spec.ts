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
  it('passes with the four permissions the backup needs', () => {
    expect(permissionsCheck('S', member(REQUIRED_SAFE_PERMISSIONS)).status).toBe('passed');
  });

  it('names each missing permission in order, with its UI label', () => {
    const result = permissionsCheck('S', member(['listAccounts', 'updateAccountProperties']));
    expect(result).toMatchObject({ status: 'failed', missing: ['addAccounts', 'updateAccountContent'] });
    expect(result.message).toContain(
      'addAccounts (Add accounts), updateAccountContent (Update account content)',
    );
  });

  it('treats a missing direct membership as all four missing', () => {
    expect(permissionsCheck('S', null)).toMatchObject({
      status: 'failed',
      missing: REQUIRED_SAFE_PERMISSIONS,
    });
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
      /does not exist, or the service user is not a member/,
    ],
    [new CyberArkPlatformNotFoundError('x'), 'platform', /does not exist/],
    [new CyberArkPermissionError('x', { status: 403 }), 'safe-permissions', /viewSafeMembers/],
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
