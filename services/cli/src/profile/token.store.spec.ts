import { readFileSync, statSync } from 'node:fs';
import { fakeRuntime, type FakeRuntime } from '../../test/support/fake-runtime';
import { loadProfile, profilePath, saveProfile } from './profile.store';
import { loadToken, saveToken } from './token.store';

describe('token and profile storage', () => {
  let runtime: FakeRuntime;

  afterEach(() => runtime.cleanUp());

  it('keeps the token only in $XDG_RUNTIME_DIR/vault-backup/token, 0600 in a 0700 dir', async () => {
    runtime = fakeRuntime({ withRuntimeDir: true });
    const path = await saveToken(runtime, 'a.b.c');
    expect(path).toBe(`${runtime.dirs.runtime}/vault-backup/token`);
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    expect(statSync(`${runtime.dirs.runtime}/vault-backup`).mode & 0o777).toBe(0o700);
    await expect(loadToken(runtime)).resolves.toBe('a.b.c');
  });

  it('keeps no token without XDG_RUNTIME_DIR', async () => {
    runtime = fakeRuntime();
    await expect(saveToken(runtime, 'a.b.c')).resolves.toBeUndefined();
    await expect(loadToken(runtime)).resolves.toBeUndefined();
  });

  it('lets VAULT_BACKUP_TOKEN win over a saved token', async () => {
    runtime = fakeRuntime({ withRuntimeDir: true, env: { VAULT_BACKUP_TOKEN: 'from.env.var' } });
    await saveToken(runtime, 'a.b.c');
    await expect(loadToken(runtime)).resolves.toBe('from.env.var');
  });

  it('writes only the known, non-secret profile keys to $XDG_CONFIG_HOME/vault-backup/config.json', async () => {
    runtime = fakeRuntime();
    const profile = { apiUrl: 'http://api', workspace: 'ws-1', token: 'a.b.c' } as never;
    expect(await saveProfile(runtime, profile)).toBe(`${runtime.dirs.config}/vault-backup/config.json`);
    expect(JSON.parse(readFileSync(profilePath(runtime), 'utf8'))).toEqual({
      apiUrl: 'http://api',
      workspace: 'ws-1',
    });
    await expect(loadProfile(runtime)).resolves.toEqual({ apiUrl: 'http://api', workspace: 'ws-1' });
  });

  it('falls back to ~/.config without XDG_CONFIG_HOME', () => {
    runtime = fakeRuntime({ env: { XDG_CONFIG_HOME: undefined } });
    expect(profilePath(runtime)).toBe(`${runtime.dirs.home}/.config/vault-backup/config.json`);
  });
});
