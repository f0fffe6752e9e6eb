import { StateConflictError } from '../http/admin.errors';
import { type BackupStatus } from './backup-configuration';
import { type ConfigurationEvent, nextStatus, statusNotices } from './configuration-state';

const ALL: (BackupStatus | null)[] = [null, 'draft', 'connected', 'validated', 'enabled', 'disabled'];

describe('nextStatus', () => {
  it.each(ALL)('a failed connect always ends in draft (from %s)', (previous) => {
    expect(nextStatus(previous, { type: 'replaced', connected: false })).toBe('draft');
  });

  it.each<[BackupStatus | null, ConfigurationEvent, BackupStatus]>([
    [null, { type: 'replaced', connected: true }, 'connected'],
    ['draft', { type: 'replaced', connected: true }, 'connected'],
    ['connected', { type: 'replaced', connected: true, validated: true }, 'validated'],
    ['connected', { type: 'replaced', connected: true, validated: false }, 'connected'],
    ['validated', { type: 'replaced', connected: true, validated: false }, 'connected'],
    ['enabled', { type: 'replaced', connected: true, validated: true }, 'enabled'],
    ['enabled', { type: 'replaced', connected: true, validated: false }, 'connected'],
    ['enabled', { type: 'replaced', connected: true }, 'connected'],
    ['disabled', { type: 'replaced', connected: true, validated: true }, 'disabled'],
    ['enabled', { type: 'revalidated', connected: false, validated: false }, 'enabled'],
    ['enabled', { type: 'revalidated', connected: true, validated: false }, 'enabled'],
    ['validated', { type: 'revalidated', connected: true, validated: false }, 'connected'],
    ['disabled', { type: 'revalidated', connected: true, validated: false }, 'connected'],
    ['connected', { type: 'revalidated', connected: true, validated: true }, 'validated'],
    ['validated', { type: 'enable' }, 'enabled'],
    ['disabled', { type: 'enable' }, 'enabled'],
    ['enabled', { type: 'enable' }, 'enabled'],
    ['enabled', { type: 'disable' }, 'disabled'],
    ['disabled', { type: 'disable' }, 'disabled'],
  ])('%s + %j → %s', (previous, event, expected) => {
    expect(nextStatus(previous, event)).toBe(expected);
  });

  it.each<[BackupStatus | null, ConfigurationEvent['type'], string]>([
    ['connected', 'enable', 'VALIDATION_REQUIRED'],
    ['draft', 'enable', 'CONNECTION_REQUIRED'],
    [null, 'enable', 'CONNECTION_REQUIRED'],
    ['validated', 'disable', 'NOT_ENABLED'],
    ['draft', 'disable', 'NOT_ENABLED'],
  ])('refuses %s + %s with %s', (previous, type, code) => {
    const attempt = () => nextStatus(previous, { type } as ConfigurationEvent);
    expect(attempt).toThrow(StateConflictError);
    expect(attempt).toThrow(expect.objectContaining({ code }) as Error);
  });
});

describe('statusNotices', () => {
  it('says so when a change paused an enabled backup', () => {
    expect(statusNotices('enabled', 'connected')[0]).toMatch(/was enabled; it is now connected/);
    expect(statusNotices('enabled', 'enabled')).toEqual([]);
    expect(statusNotices('validated', 'connected')).toEqual([]);
  });
});
