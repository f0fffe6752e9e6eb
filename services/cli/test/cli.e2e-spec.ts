import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Producer } from 'kafkajs';
import { buildAccountEventRecord } from '@vault-backup/event-contract';
import {
  BACKUP_SAFE_PERMISSIONS,
  createTestDatabase,
  createTopics,
  requireBrokers,
  type SimulatorProcess,
  startSimulatorProcess,
  type TestDatabase,
  testKafka,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { type Child, freePort, runCliProcess, startTsProcess } from './support/child-processes';

const SAFE = 'VaultBackupSafe';
const PLATFORM = 'VaultBackupPlatform';
/** The platform's ten optional properties (README: the backup's platform). */
const PROPERTIES = [
  'accountId',
  'provider',
  'label',
  'url',
  'phone',
  'email',
  'originalPhone',
  'originalEmail',
  'totpSecret',
  'backupCodes',
];

/**
 * The vault-backup CLI as an admin uses it: the real launcher as a child process, against the real
 * service (its own child process, with PostgreSQL, Kafka and the CyberArk simulator of the local stack)
 * and the local issuer, logging in with OAuth 2.0 client credentials.
 */
describe('vault-backup CLI against the real service', () => {
  const workspace = uniqueName('ws-cli');
  const topics = {
    created: uniqueName('cli-created'),
    updated: uniqueName('cli-updated'),
    dlq: uniqueName('cli-dlq'),
  };
  const dirs = mkdtempSync(join(tmpdir(), 'vb-cli-e2e-'));
  let simulator: SimulatorProcess;
  let database: TestDatabase;
  let issuer: Child;
  let service: Child;
  let producer: Producer;
  let issuerUrl: string;
  let apiUrl: string;
  let tenant: string;

  const cliEnv = (): Record<string, string> => ({
    HOME: join(dirs, 'home'),
    XDG_CONFIG_HOME: join(dirs, 'config'),
    XDG_RUNTIME_DIR: join(dirs, 'run'),
    VAULT_BACKUP_API_URL: apiUrl,
    VAULT_BACKUP_CLIENT_SECRET: 'demo-secret',
  });
  const cli = (...args: string[]) => runCliProcess(args, cliEnv());
  const savedToken = () => readFileSync(join(dirs, 'run', 'vault-backup', 'token'), 'utf8');

  beforeAll(async () => {
    const [issuerPort, httpPort] = await Promise.all([freePort(), freePort()]);
    issuerUrl = `http://127.0.0.1:${issuerPort}`;
    apiUrl = `http://127.0.0.1:${httpPort}`;
    [simulator, database] = await Promise.all([startSimulatorProcess(), createTestDatabase()]);
    await createTopics(testKafka(), Object.values(topics), 2);
    issuer = startTsProcess('services/local-issuer/src/main.ts', { LOCAL_ISSUER_PORT: String(issuerPort) });
    await waitFor(() => fetch(`${issuerUrl}/.well-known/openid-configuration`).then((r) => r.ok), {
      timeoutMs: 30_000,
      description: 'the local issuer',
    });
    service = startTsProcess('services/backup/src/main.ts', serviceEnv(database.url, httpPort));
    await waitFor(() => fetch(`${apiUrl}/health/ready`).then((r) => r.ok), {
      timeoutMs: 90_000,
      description: `the backup service (${service.output().slice(-2_000)})`,
    });
    producer = testKafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await Promise.allSettled([service?.stop(), issuer?.stop(), simulator?.stop()]);
    await database?.drop();
    rmSync(dirs, { recursive: true, force: true });
  });

  function serviceEnv(databaseUrl: string, httpPort: number): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: requireBrokers().join(','),
      KAFKA_CLIENT_ID: uniqueName('cli'),
      KAFKA_GROUP_ID: uniqueName('cli-group'),
      KAFKA_TOPICS: `${topics.created},${topics.updated}`,
      KAFKA_DLQ_TOPIC: topics.dlq,
      KAFKA_MAX_WAIT: '100ms',
      DATA_ENCRYPTION_KEYS: `cli:${randomBytes(32).toString('base64')}`,
      FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      BACKUP_WORKSPACE_CACHE_TTL: '200ms',
      CYBERARK_REQUEST_TIMEOUT: '2s',
      CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
      AUTH_JWKS_URL: `${issuerUrl}/.well-known/jwks.json`,
      AUTH_ISSUER: issuerUrl,
      AUTH_AUDIENCE: 'vault-backup-admin',
    };
  }

  /** A call to the workspace's backup API with the CLI's saved token; expects 200. */
  async function call(method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${apiUrl}/api/v1/workspaces/${workspace}/vault-backup${path}`, {
      method,
      headers: { authorization: `Bearer ${savedToken()}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
  }

  /** A tenant in the simulator and an enabled backup, set up through the API with the CLI's token. */
  async function enableBackup(): Promise<void> {
    tenant = uniqueName('t');
    const clientId = `svc-${tenant}@cyberark.cloud.1`;
    const clientSecret = `cs-${randomBytes(16).toString('hex')}`;
    await simulator.control.putTenant(tenant);
    await simulator.control.putServiceAccount(tenant, clientId, {
      clientSecret,
      isOauthConfidentialClient: true,
    });
    await simulator.control.putPlatform(tenant, PLATFORM, {
      active: true,
      optional: PROPERTIES,
      required: [],
    });
    await simulator.control.putSafe(tenant, SAFE, {
      members: [{ memberName: clientId, permissions: BACKUP_SAFE_PERMISSIONS }],
    });
    await call('PUT', '/connection', {
      identityTenantUrl: simulator.identityUrl(tenant),
      privilegeCloudUrl: simulator.pcloudUrl(tenant),
      clientId,
      clientSecret,
    });
    await call('PUT', '/targets', { safeName: SAFE, platformId: PLATFORM });
    await call('POST', '/enable');
  }

  it('logs in with client credentials from the local issuer, keeping the token in the runtime dir only', async () => {
    const result = await cli(
      'login',
      '--issuer',
      issuerUrl,
      '--client-id',
      'alice',
      '--role',
      'owner',
      '--workspace',
      workspace,
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(
      new RegExp(
        `^logged in as alice \\(role owner, workspace ${workspace}\\), expires .* \\(in 15 min\\)\\n$`,
      ),
    );
    const tokenFile = join(dirs, 'run', 'vault-backup', 'token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const profile = readFileSync(join(dirs, 'config', 'vault-backup', 'config.json'), 'utf8');
    expect(JSON.parse(profile)).toEqual({ issuer: issuerUrl, clientId: 'alice', role: 'owner', workspace });
    for (const text of [result.stdout, result.stderr, profile]) {
      expect(text).not.toContain(savedToken());
      expect(text).not.toContain('demo-secret');
    }
  });

  it('shows the status of the enabled backup', async () => {
    await enableBackup();
    const table = await cli('status');
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/^status\s+enabled$/m);
    expect(table.stdout).toMatch(/^safe\s+VaultBackupSafe$/m);
    const json = await cli('status', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ workspaceId: workspace, status: 'enabled' });
  });

  it('lists a failed backup with what to do about it (--json)', async () => {
    // Plaintext secrets are refused by default: the pipeline records a failure for the workspace.
    const { message } = buildAccountEventRecord(
      {
        type: 'account.created.v1',
        source: '/cli-e2e',
        data: {
          workspaceId: workspace,
          accountId: 'acc-cli',
          version: 1,
          provider: 'github',
          label: 'cli',
          secrets: { password: 'pw-cli-1' },
        },
      },
      { mode: 'binary' },
    );
    await producer.send({ topic: topics.created, messages: [message] });
    const page = await waitFor(
      async () => {
        const result = await cli('failures', 'list', '--json');
        const parsed = JSON.parse(result.stdout) as {
          items: { accountId: string; kind: string; action: string }[];
          counts: { failed: number };
        };
        return parsed.counts.failed > 0 ? { result, parsed } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the failure in `failures list`' },
    );
    expect(page.result.code).toBe(0);
    expect(page.parsed.items).toEqual([
      expect.objectContaining({ accountId: 'acc-cli', kind: 'failed', action: expect.any(String) }),
    ]);
    expect(page.result.stdout).not.toContain('pw-cli-1');
    const table = await cli('failures', 'list', '--kind', 'failed');
    expect(table.stdout).toContain(
      '1 problems: 1 failed (replay once fixed), 0 parked (retried automatically)',
    );
    expect(table.stdout).toMatch(/→ \S/);
  });

  it('shows the audit log of the setup', async () => {
    const result = await cli('audit', '--json');
    expect(result.code).toBe(0);
    const { items } = JSON.parse(result.stdout) as { items: { action: string; actor: { sub: string } }[] };
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.every((entry) => entry.actor.sub === 'alice')).toBe(true);
    expect((await cli('audit')).stdout).toMatch(/^OCCURRED AT\s+ACTION\s+ACTOR\s+DETAILS$/m);
  });

  it('prints a problem answer as "title: detail" on stderr with exit 1, never a stack trace', async () => {
    const result = await cli('status', '--workspace', 'ws-not-mine');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: [^:\n]+: .+\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a replay mixing --failure and filters before any call (exit 2)', async () => {
    const result = await cli('replay', '--failure', 'x', '--account', 'acc-cli');
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('choose what to replay with exactly one of');
  });

  it('a permanent failure is listed with what to do, fixed in CyberArk, and replayed by the CLI: planned, confirmed, applied (exit 0)', async () => {
    await call('PATCH', '/options', { allowPlaintextSecrets: true });
    // Someone removed totpSecret from the platform: CyberArk refuses the account for good.
    await simulator.control.putPlatform(tenant, PLATFORM, {
      active: true,
      optional: PROPERTIES.filter((name) => name !== 'totpSecret'),
      required: [],
    });
    const { message } = buildAccountEventRecord(
      {
        type: 'account.created.v1',
        source: '/cli-e2e',
        data: {
          workspaceId: workspace,
          accountId: 'acc-totp',
          version: 1,
          provider: 'github',
          label: 'totp',
          secrets: { password: 'pw-totp-1', totpSecret: 'JBSWY3DPEHPK3PXP' },
        },
      },
      { mode: 'binary' },
    );
    await producer.send({ topic: topics.created, messages: [message] });
    const listed = await waitFor(
      async () => {
        const result = await cli('failures', 'list', '--account', 'acc-totp', '--json');
        const parsed = JSON.parse(result.stdout) as {
          items: { accountId: string; error: { class: string }; action: string }[];
        };
        return parsed.items[0];
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the invalid-property failure' },
    );
    expect(listed).toMatchObject({ accountId: 'acc-totp', error: { class: 'invalid-property' } });
    expect(listed.action).toContain('totpSecret');

    const plan = await cli('replay', '--account', 'acc-totp', '--dry-run');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('acc-totp');
    const refused = await cli('replay', '--account', 'acc-totp');
    expect(refused.code).toBe(2);

    await simulator.control.putPlatform(tenant, PLATFORM, {
      active: true,
      optional: PROPERTIES,
      required: [],
    });
    const replayed = await cli('replay', '--account', 'acc-totp', '--yes', '--json');
    expect(replayed.stderr).not.toMatch(/\n\s+at /);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      job: { status: 'completed', outcome: { applied: 1, failedAgain: 0, inFlight: 0 } },
    });
    const accounts = await simulator.control.listAccounts(tenant, { safeName: SAFE });
    const backedUp = accounts.find((account) => account.name.endsWith('acc-totp'));
    expect(backedUp?.platformAccountProperties).toHaveProperty('totpSecret');
    const after = await cli('failures', 'list', '--account', 'acc-totp', '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ items: [], counts: { total: 0 } });
  });

  it('an SRE with operator_replay replays what is left across workspaces in one command; operator may not', async () => {
    const sreEnv = (): Record<string, string> => ({
      ...cliEnv(),
      XDG_CONFIG_HOME: join(dirs, 'sre-config'),
      XDG_RUNTIME_DIR: join(dirs, 'sre-run'),
    });
    const sre = (...args: string[]) => runCliProcess(args, sreEnv());
    expect(
      await sre('login', '--issuer', issuerUrl, '--client-id', 'sre-1', '--role', 'operator'),
    ).toMatchObject({
      code: 0,
    });
    const refused = await sre('replay', '--all-workspaces', '--all', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Forbidden/);

    expect(
      await sre('login', '--issuer', issuerUrl, '--client-id', 'sre-1', '--role', 'operator_replay'),
    ).toMatchObject({ code: 0 });
    // acc-cli failed earlier for its plaintext secret; the workspace allows them now.
    const plan = await sre('replay', '--all-workspaces', '--all', '--dry-run', '--json');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      workspaces: [expect.objectContaining({ workspaceId: workspace })],
    });
    const replayed = await sre('replay', '--all-workspaces', '--all', '--yes', '--json');
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      workspaces: [
        expect.objectContaining({
          workspaceId: workspace,
          job: expect.objectContaining({
            status: 'completed',
            createdBy: { sub: 'sre-1', role: 'operator_replay' },
          }),
        }),
      ],
    });
    const accounts = await simulator.control.listAccounts(tenant, { safeName: SAFE });
    expect(accounts.some((account) => account.name.endsWith('acc-cli'))).toBe(true);
  });
});
