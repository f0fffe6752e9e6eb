import { readFileSync } from 'node:fs';
import { runCli } from '../cli/cli.program';
import { EXIT } from '../cli/exit-codes';
import { FakeIssuer } from '../../test/support/fake-issuer';
import {
  type FakeRuntime,
  type FakeRuntimeOptions,
  fakeRuntime,
  fakeToken,
} from '../../test/support/fake-runtime';

const TOKEN = fakeToken({ sub: 'alice', role: 'admin', workspace_id: 'ws-1' }, 900);

describe('login and whoami', () => {
  let issuer: FakeIssuer;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    issuer = await FakeIssuer.start(TOKEN);
  });

  afterAll(() => issuer.close());

  afterEach(() => runtime.cleanUp());

  const run = (argv: string[], options: FakeRuntimeOptions = {}) => {
    runtime = fakeRuntime({ withRuntimeDir: true, ...options });
    return runCli(argv, runtime);
  };

  const everything = () =>
    `${runtime.out()}${runtime.err()}${readFileSync(`${runtime.dirs.config}/vault-backup/config.json`, 'utf8')}`;

  it('gets a token with client credentials from the discovered token endpoint, secret from the environment', async () => {
    const argv = [
      'login',
      '--issuer',
      issuer.url,
      '--client-id',
      'alice',
      '--role',
      'admin',
      '--workspace',
      'ws-1',
    ];
    expect(await run(argv, { env: { VAULT_BACKUP_CLIENT_SECRET: 's3cret' } })).toBe(EXIT.ok);
    expect(issuer.tokenRequests.at(-1)!.form).toEqual({
      grant_type: 'client_credentials',
      role: 'admin',
      workspace_id: 'ws-1',
    });
    expect(runtime.out()).toBe(
      'logged in as alice (role admin, workspace ws-1), expires 2026-12-03T12:15:00.000Z (in 15 min)\n',
    );
    expect(readFileSync(`${runtime.dirs.runtime}/vault-backup/token`, 'utf8')).toBe(TOKEN);
    expect(JSON.parse(readFileSync(`${runtime.dirs.config}/vault-backup/config.json`, 'utf8'))).toEqual({
      issuer: issuer.url,
      clientId: 'alice',
      role: 'admin',
      workspace: 'ws-1',
    });
    expect(everything()).not.toContain(TOKEN);
    expect(everything()).not.toContain('s3cret');
  });

  it('asks for the secret with a hidden prompt at a terminal', async () => {
    const argv = [
      'login',
      '--issuer',
      issuer.url,
      '--client-id',
      'alice',
      '--role',
      'admin',
      '--workspace',
      'ws-1',
    ];
    expect(await run(argv, { stdinIsTTY: true, secret: async () => 's3cret' })).toBe(EXIT.ok);
    expect(runtime.prompted).toEqual(['Client secret for alice:']);
  });

  it('refuses to go on without a secret when there is no terminal to ask (exit 2)', async () => {
    expect(await run(['login', '--issuer', issuer.url, '--client-id', 'alice'])).toBe(EXIT.usage);
    expect(runtime.err()).toContain('no client secret: set VAULT_BACKUP_CLIENT_SECRET');
  });

  it('reports the issuer refusing the client (exit 1)', async () => {
    const argv = [
      'login',
      '--issuer',
      issuer.url,
      '--client-id',
      'alice',
      '--role',
      'admin',
      '--workspace',
      'ws-1',
    ];
    expect(await run(argv, { env: { VAULT_BACKUP_CLIENT_SECRET: 'wrong' } })).toBe(EXIT.error);
    expect(runtime.err()).toMatch(/answered HTTP 401 \(invalid_client: bad client credentials\)/);
    expect(runtime.err()).not.toContain('wrong');
  });

  it('refuses an issuer over plain http off loopback', async () => {
    const argv = ['login', '--issuer', 'http://issuer.example.com', '--client-id', 'alice'];
    expect(await run(argv, { env: { VAULT_BACKUP_CLIENT_SECRET: 's3cret' } })).toBe(EXIT.error);
    expect(runtime.err()).toContain('--issuer must be https (http only on loopback)');
  });

  it('takes a token from stdin with --token -, and whoami reads it back', async () => {
    expect(await run(['login', '--token', '-'], { stdin: `${TOKEN}\n` })).toBe(EXIT.ok);
    expect(runtime.out()).toContain('logged in as alice (role admin, workspace ws-1)');
    const again = runtime;
    expect(await runCli(['whoami', '--json'], again)).toBe(EXIT.ok);
    expect(JSON.parse(runtime.out().split('\n').slice(1).join('\n'))).toMatchObject({
      sub: 'alice',
      role: 'admin',
      workspace: 'ws-1',
      expiresAt: '2026-12-03T12:15:00.000Z',
      apiUrl: 'http://127.0.0.1:8080',
    });
  });

  it('keeps no token without XDG_RUNTIME_DIR and says to use VAULT_BACKUP_TOKEN', async () => {
    runtime = fakeRuntime({ stdin: TOKEN });
    expect(await runCli(['login', '--token', '-'], runtime)).toBe(EXIT.ok);
    expect(runtime.err()).toContain('XDG_RUNTIME_DIR is not set, so the token was not kept');
    expect(await runCli(['status'], runtime)).toBe(EXIT.error);
    expect(runtime.err()).toContain('not logged in: run `vault-backup login` or set VAULT_BACKUP_TOKEN');
  });

  it('refuses an expired token before calling the API', async () => {
    expect(await run(['status'], { env: { VAULT_BACKUP_TOKEN: fakeToken({ sub: 'a' }, -60) } })).toBe(
      EXIT.error,
    );
    expect(runtime.err()).toBe(
      'error: the token expired at 2026-12-03T11:59:00.000Z: run `vault-backup login` again\n',
    );
  });

  it('needs a token or an issuer', async () => {
    expect(await run(['login'])).toBe(EXIT.usage);
    expect(runtime.err()).toContain('login needs --token <jwt|->, or --issuer <url> and --client-id <id>');
  });
});
