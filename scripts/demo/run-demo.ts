/**
 * `npm run demo`: the main job end to end on the local stack. Starts the CyberArk simulator, the Azure
 * Key Vault + Entra ID simulator, the local JWT issuer and the backup service (as separate processes,
 * logs in .local-stack/logs), sets up a workspace's backup and its own Key Vault key through the admin
 * API exactly as an admin would, emits sample account events (secrets encrypted to that key, an update,
 * a poison record) and shows where the backups landed and how few Key Vault calls that took. Then it
 * makes one fixable failure happen for real (a platform property removed in CyberArk) and prints the
 * "Fix failed backups" walk-through: the CLI commands that list it, the fix, and the replay. With
 * DEMO_EXIT=1 it runs those printed commands itself and checks the account reached the safe.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createPublicKey, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { JweSecretsEncryptor } from '@vault-backup/crypto';
import { type AccountEventData, buildAccountEventRecord } from '@vault-backup/event-contract';
import {
  BACKUP_SAFE_PERMISSIONS,
  type KeyVaultSimulatorProcess,
  readEnvFile,
  REPO_ROOT,
  type SimulatorAccount,
  type SimulatorProcess,
  startKeyVaultSimulatorProcess,
  startSimulatorProcess,
  STATE_DIR,
  waitFor,
} from '@vault-backup/testing';
import { BACKUP_PLATFORM_PROPERTIES } from '../../services/backup/src/pipeline/mapping/backup-properties';

const WORKSPACE = 'demo-workspace';
const TENANT = 'demo';
const SAFE = 'VaultBackup';
const PLATFORM = 'VaultBackupPlatform';
const CLIENT_ID = 'vault-backup-svc@cyberark.cloud.demo';
const VAULT = 'vault-backup-demo';
const KEY_NAME = 'demo-cmk';
const ENCRYPTION_USER = 'Key Vault Crypto Service Encryption User';
const HTTP_PORT = Number(process.env.DEMO_HTTP_PORT ?? 8080);
const ISSUER_PORT = Number(process.env.DEMO_ISSUER_PORT ?? 18090);
const SIMULATOR_PORT = Number(process.env.DEMO_SIMULATOR_PORT ?? 18080);
/** The account of the fixable failure, and the platform property the demo takes away from it. */
const FIXABLE_ACCOUNT = 'gitlab-admin';
const MISSING_PROPERTY = 'totpSecret';
/** The CLI client at the local issuer (which takes any secret and mints the role asked for). */
const CLI_CLIENT_ID = 'demo-admin';
const CLI_CLIENT_SECRET = 'demo-only-secret';
const LOG_DIR = join(STATE_DIR, 'logs');
const DEMO_DIR = join(STATE_DIR, 'demo');

interface DemoKeys {
  dataEncryptionKeys: string;
  fingerprintKey: string;
  clientSecret: string;
  /** The workspace's service principal in the Entra ID simulator. */
  azureTenantId: string;
  azureClientId: string;
  azureClientSecret: string;
}

/** The workspace's key as Key Vault knows it: what emitters encrypt to. */
interface WorkspaceKey {
  kid: string;
  publicKey: KeyObject;
  vaultUrl: string;
}

const children: ChildProcess[] = [];
let simulator: SimulatorProcess | undefined;
let keyVault: KeyVaultSimulatorProcess | undefined;

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

/** Local key material for the demo, generated once into .local-stack (git-ignored), never printed. */
function demoKeys(): DemoKeys {
  const file = join(DEMO_DIR, 'demo-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoKeys>;
    if (stored.azureClientSecret !== undefined) return stored as DemoKeys;
  }
  mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
  const keys: DemoKeys = {
    dataEncryptionKeys: `demo1:${randomBytes(32).toString('base64')}`,
    fingerprintKey: randomBytes(32).toString('base64'),
    clientSecret: randomBytes(18).toString('base64url'),
    azureTenantId: randomUUID(),
    azureClientId: randomUUID(),
    azureClientSecret: randomBytes(18).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

function startProcess(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(join(LOG_DIR, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.once('exit', (code) => {
    if (!stopping) console.error(`✖ ${name} exited (code ${code}); see ${join(LOG_DIR, `${name}.log`)}`);
  });
  children.push(child);
  return child;
}

async function waitForHttp(url: string, description: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(async () => (await fetch(url)).ok, { timeoutMs, intervalMs: 250, description });
}

async function api(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  // The key integration is the workspace's, beside its vault backup.
  const resource = path.startsWith('/key-integration') ? '' : '/vault-backup';
  const response = await fetch(
    `http://127.0.0.1:${HTTP_PORT}/api/v1/workspaces/${WORKSPACE}${resource}${path}`,
    {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    },
  );
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function expectStatus(result: { status: number; body: unknown }, wanted: number[], what: string): void {
  console.log(`  ${what}: HTTP ${result.status}`);
  if (!wanted.includes(result.status)) throw new Error(`${what} failed: ${JSON.stringify(result.body)}`);
}

/** The demo platform as the simulator's control API takes it (`PUT …/platforms/:platformId`). */
function platformBody(optional: string[]): { name: string; active: boolean; optional: string[] } {
  return { name: 'Vault backup', active: true, optional };
}

async function seedSimulator(keys: DemoKeys): Promise<SimulatorProcess> {
  const sim = await startSimulatorProcess({ port: SIMULATOR_PORT, ccp: false });
  await sim.control.putTenant(TENANT);
  await sim.control.putServiceAccount(TENANT, CLIENT_ID, { clientSecret: keys.clientSecret });
  await sim.control.putPlatform(TENANT, PLATFORM, platformBody([...BACKUP_PLATFORM_PROPERTIES]));
  await sim.control.putSafe(TENANT, SAFE, {
    members: [{ memberName: CLIENT_ID, permissions: BACKUP_SAFE_PERMISSIONS }],
  });
  return sim;
}

/** Seed's steps 1-4 in the Key Vault + Entra ID simulator: service principal, vault, RSA 4096 key, role. */
async function seedKeyVault(
  keys: DemoKeys,
): Promise<{ process: KeyVaultSimulatorProcess; key: WorkspaceKey }> {
  const kv = await startKeyVaultSimulatorProcess();
  await kv.control.registerApp(keys.azureTenantId, keys.azureClientId, keys.azureClientSecret);
  const vault = await kv.control.createVault({ name: VAULT, tenantId: keys.azureTenantId });
  const created = await kv.control.createKey(VAULT, { name: KEY_NAME, kty: 'RSA', size: 4096 });
  await kv.control.assignRole(VAULT, keys.azureClientId, ENCRYPTION_USER);
  return {
    process: kv,
    key: { kid: created.kid, publicKey: createPublicKey(created.publicKeyPem), vaultUrl: vault.vaultUrl },
  };
}

interface EventRecord {
  topic: string;
  message: { key: string; value: string; headers: Record<string, string> };
}

function toRecord(data: AccountEventData): EventRecord {
  const type = data.version === 1 ? 'account.created.v1' : 'account.updated.v1';
  const built = buildAccountEventRecord({ type, source: '/services/demo-accounts', data });
  return { topic: built.topic, message: built.message };
}

function encryptingTo(key: WorkspaceKey) {
  // One content key per encryptor, a fresh IV per event: the consumer unwraps it once.
  const encryptor = new JweSecretsEncryptor();
  return (secrets: Parameters<JweSecretsEncryptor['encrypt']>[0]) =>
    encryptor.encrypt(secrets, { kid: key.kid, publicKey: key.publicKey });
}

async function sampleEvents(key: WorkspaceKey): Promise<EventRecord[]> {
  const encrypted = encryptingTo(key);
  const accounts: AccountEventData[] = [
    {
      workspaceId: WORKSPACE,
      accountId: 'github-admin',
      version: 1,
      provider: 'github',
      label: 'GitHub org owner',
      url: 'https://github.com/login',
      username: 'octo-admin',
      email: 'admin@example.com',
      encryptedSecrets: await encrypted({
        password: 'correct horse battery staple',
        totpSecret: 'JBSWY3DPEHPK3PXP',
        backupCodes: ['7f3a-91c2', '0b6e-44d1'],
      }),
    },
    {
      workspaceId: WORKSPACE,
      accountId: 'aws-root',
      version: 1,
      provider: 'aws',
      label: 'AWS root',
      url: 'https://signin.aws.amazon.com',
      email: 'root@example.com',
      phone: '+15550100',
      encryptedSecrets: await encrypted({ password: 'Tr0ub4dor&3' }),
    },
    {
      workspaceId: WORKSPACE,
      accountId: 'slack-workspace',
      version: 1,
      provider: 'slack',
      label: 'Slack primary owner',
      username: 'ops',
      encryptedSecrets: await encrypted({ password: 's3cr3t-slack' }),
    },
    {
      workspaceId: WORKSPACE,
      accountId: 'okta-break-glass',
      version: 1,
      provider: 'okta',
      label: 'Okta break-glass',
      url: 'https://example.okta.com',
      username: 'breakglass',
      encryptedSecrets: await encrypted({ password: 'break-glass-pass' }),
    },
    {
      workspaceId: WORKSPACE,
      accountId: 'figma-design',
      version: 1,
      provider: 'figma',
      label: 'Figma design team',
      email: 'design@example.com',
      originalEmail: 'old-design@example.com',
      encryptedSecrets: await encrypted({ password: 'figma-pass' }),
    },
    {
      workspaceId: WORKSPACE,
      accountId: 'github-admin',
      version: 2,
      provider: 'github',
      label: 'GitHub org owner (rotated)',
      url: 'https://github.com/login',
      username: 'octo-admin',
      encryptedSecrets: await encrypted({
        password: 'a-new-rotated-password',
        totpSecret: 'JBSWY3DPEHPK3PXP',
      }),
    },
  ];
  return accounts.map(toRecord);
}

/** An account with a TOTP secret: CyberArk refuses it while the platform lacks that property. */
async function fixableEvent(key: WorkspaceKey): Promise<EventRecord> {
  return toRecord({
    workspaceId: WORKSPACE,
    accountId: FIXABLE_ACCOUNT,
    version: 1,
    provider: 'gitlab',
    label: 'GitLab admin',
    url: 'https://gitlab.com/users/sign_in',
    username: 'gl-admin',
    encryptedSecrets: await encryptingTo(key)({
      password: 'gitlab-admin-pass',
      totpSecret: 'KRSXG5CTMVRXEZLU',
    }),
  });
}

async function unwrapCalls(kv: KeyVaultSimulatorProcess): Promise<number> {
  return (await kv.control.counters()).vaults[VAULT]?.unwrapKey ?? 0;
}

function show(accounts: SimulatorAccount[]): void {
  console.log('\n  CyberArk safe "%s" of tenant "%s" now holds:', SAFE, TENANT);
  for (const account of accounts.sort((a, b) => a.name.localeCompare(b.name))) {
    const props = account.platformAccountProperties;
    const hidden = Object.keys(props).filter((key) => key === 'totpSecret' || key === 'backupCodes');
    console.log(
      `  • ${account.name.padEnd(40)} label="${props.label ?? ''}" address=${account.address || '-'} user=${account.userName || '-'} ` +
        `password=${account.secret.reveal() ? '(set)' : '(none)'} ${hidden.length ? `secret properties: ${hidden.join(', ')} (set)` : ''}`,
    );
  }
}

let stopping = false;

interface ProblemItem {
  kind: string;
  accountId: string | null;
  error: { class: string; code: string | null; message: string };
  action: string;
}

/**
 * Takes MISSING_PROPERTY off the platform in the simulator (through its control API), sends one account
 * that carries it, and waits until the admin API's problems list shows it as a failure to fix.
 */
async function makeFixableFailure(
  token: string,
  key: WorkspaceKey,
  send: (record: EventRecord) => Promise<void>,
): Promise<ProblemItem> {
  await simulator!.control.putPlatform(
    TENANT,
    PLATFORM,
    platformBody(BACKUP_PLATFORM_PROPERTIES.filter((name) => name !== MISSING_PROPERTY)),
  );
  await send(await fixableEvent(key));
  console.log(`  account event for "${FIXABLE_ACCOUNT}" (it has a TOTP secret) sent`);
  const query = `kind=failed&errorClass=invalid-property&accountId=${FIXABLE_ACCOUNT}`;
  return waitFor(
    async () => {
      const result = await api(token, 'GET', `/problems?${query}`);
      return (result.body as { items?: ProblemItem[] }).items?.[0];
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `the failure of ${FIXABLE_ACCOUNT} in …/problems` },
  );
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

interface Walkthrough {
  /** What the demo prints: comments and commands. */
  printed: string[];
  /** The same commands as one bash script (what DEMO_EXIT=1 runs). */
  script: string;
  /** Whether the script logs in with `vault-backup login` (else it takes a token for VAULT_BACKUP_TOKEN). */
  usesLogin: boolean;
}

/** The CLI login as printed (the local issuer takes any client secret and mints the role asked for). */
const loginCommand = (): string =>
  `npx vault-backup login --issuer http://127.0.0.1:${ISSUER_PORT} --client-id ${CLI_CLIENT_ID} --role admin --workspace ${WORKSPACE}`;

/**
 * The "Fix failed backups" commands. `login` keeps its token only in $XDG_RUNTIME_DIR; a shell without
 * one gets the token in VAULT_BACKUP_TOKEN instead (the same client credentials, by curl).
 */
function fixWalkthrough(hasRuntimeDir: boolean): Walkthrough {
  const apiUrl = `http://127.0.0.1:${HTTP_PORT}`;
  const issuer = `http://127.0.0.1:${ISSUER_PORT}`;
  const restored = JSON.stringify(platformBody([...BACKUP_PLATFORM_PROPERTIES]));
  const platformUrl = `http://127.0.0.1:${SIMULATOR_PORT}/_control/tenants/${TENANT}/platforms/${PLATFORM}`;
  const steps: [comment: string, ...commands: string[]][] = [
    hasRuntimeDir
      ? [
          '# 1. log in as a workspace admin (the demo issuer accepts any client secret)',
          `export VAULT_BACKUP_API_URL=${apiUrl} VAULT_BACKUP_CLIENT_SECRET=${CLI_CLIENT_SECRET}`,
          loginCommand(),
        ]
      : [
          '# 1. a workspace admin token by client credentials (no XDG_RUNTIME_DIR here: `login` would keep none)',
          `export VAULT_BACKUP_API_URL=${apiUrl}`,
          `export VAULT_BACKUP_TOKEN=$(curl -fsS -u ${CLI_CLIENT_ID}:${CLI_CLIENT_SECRET} -d grant_type=client_credentials -d role=admin -d workspace_id=${WORKSPACE} ${issuer}/oauth2/token | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')`,
        ],
    ['# 2. what is not in the safe, and what to do about it', 'npx vault-backup failures list'],
    [
      `# 3. THE FIX: put ${MISSING_PROPERTY} back on platform ${PLATFORM} (in CyberArk: Platform Management)`,
      `curl -fsS -o /dev/null -w 'platform restored: HTTP %{http_code}\\n' -X PUT -H 'content-type: application/json' -d '${restored}' ${platformUrl}`,
    ],
    [
      '# 4. the plan (nothing is written), then THE REPLAY: a tracked job; exit code 0 once the account is in the safe',
      'npx vault-backup replay --class invalid-property --dry-run',
      'npx vault-backup replay --class invalid-property --yes',
    ],
  ];
  const commands = steps.flat().filter((line) => !line.startsWith('#'));
  return {
    printed: steps.flat(),
    script: [
      'set -euo pipefail',
      ...commands.map((command) => `echo "\\$ ${command.replace(/["$`\\]/g, '\\$&')}"; ${command}`),
    ].join('\n'),
    usesLogin: hasRuntimeDir,
  };
}

interface ShellResult {
  code: number | null;
  output: string;
}

/** Runs a bash script from the repo, output merged, killed after `timeoutMs`. */
function runShell(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends the CLI processes it started.
    const child = spawn('bash', ['-c', script], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function indentOutput(output: string): void {
  for (const line of output.trimEnd().split('\n')) console.log(`    │ ${line}`);
}

/**
 * DEMO_EXIT=1: runs the printed commands in bash (with a throw-away CLI profile and runtime dir, never
 * the caller's), expects exit code 0, the account in the safe with its TOTP secret, and no problem left.
 */
async function checkWalkthrough(walkthrough: Walkthrough): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vb-demo-cli-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') };
    for (const name of Object.keys(env)) if (name.startsWith('VAULT_BACKUP_')) delete env[name];
    delete env.XDG_RUNTIME_DIR;
    if (walkthrough.usesLogin) env.XDG_RUNTIME_DIR = join(dir, 'run');
    mkdirSync(join(dir, 'run'), { mode: 0o700 });
    const started = Date.now();
    const result = await runShell(walkthrough.script, env, 180_000);
    indentOutput(result.output);
    if (result.code !== 0) throw new Error(`the walk-through's commands ended with exit code ${result.code}`);
    const backedUp = (await simulator!.control.listAccounts(TENANT, { safeName: SAFE })).find(
      (account) => account.name === `vb.${WORKSPACE}.${FIXABLE_ACCOUNT}`,
    );
    if (backedUp?.platformAccountProperties[MISSING_PROPERTY] === undefined) {
      throw new Error(`${FIXABLE_ACCOUNT} is not in the safe with its ${MISSING_PROPERTY} after the replay`);
    }
    console.log(
      `  ✔ exit code 0 in ${((Date.now() - started) / 1000).toFixed(1)} s; vb.${WORKSPACE}.${FIXABLE_ACCOUNT} is in safe ${SAFE} with its ${MISSING_PROPERTY}`,
    );
    if (!walkthrough.usesLogin) {
      // The printed variant took its token by curl; the README's `login` must work too.
      const login = await runShell(
        `set -euo pipefail\nexport VAULT_BACKUP_CLIENT_SECRET=${CLI_CLIENT_SECRET}\n${loginCommand()}\nnpx vault-backup whoami`,
        { ...env, XDG_RUNTIME_DIR: join(dir, 'run') },
        60_000,
      );
      const tokenFile = join(dir, 'run', 'vault-backup', 'token');
      if (login.code !== 0 || !existsSync(tokenFile) || (statSync(tokenFile).mode & 0o777) !== 0o600) {
        indentOutput(login.output);
        throw new Error(
          `vault-backup login with a runtime dir: exit code ${login.code}, no token file of mode 0600`,
        );
      }
      console.log('  ✔ `vault-backup login` with an XDG_RUNTIME_DIR works too (token kept there, mode 0600)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freshDemoDatabase(adminUrl: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('DROP DATABASE IF EXISTS vault_backup_demo WITH (FORCE)');
    await client.query('CREATE DATABASE vault_backup_demo');
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = '/vault_backup_demo';
  return url.toString();
}

async function stopAll(): Promise<void> {
  stopping = true;
  for (const child of children.reverse()) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode === null ? child.once('exit', resolve) : resolve(undefined),
        ),
    ),
  );
  await simulator?.stop();
  await keyVault?.stop();
}

async function main(): Promise<void> {
  // Drops only kafkajs' harmless negative-timeout warning (see services/backup/src/lifecycle/process-warnings.ts).
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
  });
  mkdirSync(LOG_DIR, { recursive: true });
  const stack = readEnvFile(join(STATE_DIR, 'stack.env'));
  const keys = demoKeys();

  // A fresh database and consumer group per run, so the demo shows the same thing every time.
  const databaseUrl = await freshDemoDatabase(process.env.DATABASE_URL ?? stack.DATABASE_URL ?? '');

  step(
    'Starting the CyberArk simulator, the Azure Key Vault + Entra ID simulator and the local token issuer',
  );
  simulator = await seedSimulator(keys);
  const seeded = await seedKeyVault(keys);
  keyVault = seeded.process;
  const workspaceKey = seeded.key;
  startProcess('local-issuer', 'dist/services/local-issuer/src/main.js', {
    LOCAL_ISSUER_PORT: String(ISSUER_PORT),
  });
  await waitForHttp(`http://127.0.0.1:${ISSUER_PORT}/.well-known/jwks.json`, 'the local issuer');

  step('Starting vault-backup');
  startProcess('vault-backup', 'dist/services/backup/src/main.js', {
    NODE_ENV: 'development',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(HTTP_PORT),
    DATABASE_URL: databaseUrl,
    KAFKA_GROUP_ID: `vault-backup-demo-${Date.now()}`,
    KAFKA_FROM_BEGINNING: 'false',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? stack.KAFKA_BROKERS ?? '',
    KAFKA_ENSURE_TOPICS: 'true',
    DATA_ENCRYPTION_KEYS: keys.dataEncryptionKeys,
    FINGERPRINT_KEY: keys.fingerprintKey,
    KEY_VAULT_AUTHORITY_HOST: keyVault.authorityHost,
    KEY_VAULT_EXTRA_CA_FILE: keyVault.caCertFile,
    KEY_VAULT_ALLOW_INSECURE_LOOPBACK: 'true',
    KEY_VAULT_CONNECT_TO: `${keyVault.frontDoor.host}:${keyVault.frontDoor.port}`,
    AUTH_JWKS_URL: `http://127.0.0.1:${ISSUER_PORT}/.well-known/jwks.json`,
    AUTH_ISSUER: `http://127.0.0.1:${ISSUER_PORT}`,
    AUTH_AUDIENCE: 'vault-backup-admin',
    CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
    // Replay jobs started from the CLI are picked up within a second.
    REPLAY_JOB_POLL_INTERVAL: '1s',
  });
  await waitForHttp(`http://127.0.0.1:${HTTP_PORT}/health/ready`, 'vault-backup to be ready');
  console.log(`  ✔ vault-backup is healthy: http://127.0.0.1:${HTTP_PORT}/health/ready`);

  step(`Setting up the backup of workspace "${WORKSPACE}" through the admin API (as its Owner)`);
  const tokenResponse = await fetch(`http://127.0.0.1:${ISSUER_PORT}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'demo-owner', workspace_id: WORKSPACE, role: 'owner' }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  expectStatus(
    await api(token, 'PUT', '/connection', {
      identityTenantUrl: simulator.identityUrl(TENANT),
      privilegeCloudUrl: simulator.pcloudUrl(TENANT),
      clientId: CLIENT_ID,
      clientSecret: keys.clientSecret,
    }),
    [200],
    '1. connect',
  );
  expectStatus(
    await api(token, 'PUT', '/targets', { safeName: SAFE, platformId: PLATFORM }),
    [200],
    '2. validate targets',
  );
  expectStatus(await api(token, 'POST', '/enable'), [200], '3. enable');
  expectStatus(
    await api(token, 'PUT', '/key-integration', {
      directoryTenantId: keys.azureTenantId,
      clientId: keys.azureClientId,
      clientSecret: keys.azureClientSecret,
      vaultUrl: workspaceKey.vaultUrl,
      keyName: KEY_NAME,
    }),
    [200],
    "4. connect the workspace's Azure Key Vault key (RSA 4096; every check passed)",
  );

  step('Emitting sample account events (secrets encrypted to the workspace key) and one poison record');
  const kafka = new Kafka({
    clientId: 'vault-backup-demo',
    brokers: (process.env.KAFKA_BROKERS ?? stack.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer();
  await producer.connect();
  const unwrapsBefore = await unwrapCalls(keyVault);
  for (const { topic, message } of await sampleEvents(workspaceKey))
    await producer.send({ topic, messages: [message] });
  await producer.send({
    topic: 'account-updated',
    messages: [{ key: `${WORKSPACE}:broken`, value: '{"this is": not an event' }],
  });
  console.log('  6 account events and 1 poison record sent');

  step('Waiting for the backups');
  const accounts = await waitFor(
    async () => {
      const found = await simulator!.control.listAccounts(TENANT, { safeName: SAFE });
      const updated = found.find((account) => account.name === `vb.${WORKSPACE}.github-admin`)
        ?.platformAccountProperties.label;
      return found.length === 5 && updated === 'GitHub org owner (rotated)' ? found : undefined;
    },
    { timeoutMs: 60_000, description: 'five backed-up accounts' },
  );
  show(accounts);
  console.log(
    `\n  Key Vault unwrap calls for the 6 encrypted events: ${(await unwrapCalls(keyVault)) - unwrapsBefore} (one per content key, not per event)`,
  );
  const failures = await waitFor(
    async () => {
      const result = await api(token, 'GET', '/failures');
      const items = (result.body as { items?: { error: { class: string; message: string } }[] }).items ?? [];
      return items.length > 0 ? items : undefined;
    },
    { timeoutMs: 30_000, description: 'the poison record in the failures list' },
  );
  const described = failures.map((failure) => `${failure.error.class}: ${failure.error.message}`).join('; ');
  console.log(`\n  Failed backups listed for admins: ${failures.length} — ${described}`);
  console.log(
    '  (also on the dead-letter topic account-events.dlq; its value is encrypted because it did not decode)',
  );

  step(
    `A fixable failure: someone removes the optional property ${MISSING_PROPERTY} from platform ${PLATFORM}`,
  );
  const problem = await makeFixableFailure(token, workspaceKey, async (record) => {
    await producer.send({ topic: record.topic, messages: [record.message] });
    await producer.disconnect();
  });
  console.log(
    `  GET …/vault-backup/problems lists it: ${problem.accountId} — ${problem.kind}, ${problem.error.class} (${problem.error.code ?? 'no code'})`,
  );
  console.log(`  action: ${problem.action}`);

  step('Where to look');
  console.log(
    `  accounts in the simulated safe : curl -s http://127.0.0.1:${SIMULATOR_PORT}/_control/tenants/${TENANT}/accounts`,
  );
  console.log(`  health                         : curl -s http://127.0.0.1:${HTTP_PORT}/health/ready`);
  console.log(
    `  metrics                        : curl -s http://127.0.0.1:${HTTP_PORT}/metrics | grep vault_backup_events_processed_total`,
  );
  console.log(`  admin API (OpenAPI)            : http://127.0.0.1:${HTTP_PORT}/api/openapi.json`);
  console.log(
    `  admin token                    : curl -s -XPOST -H 'content-type: application/json' -d '{"sub":"me","workspace_id":"${WORKSPACE}","role":"owner"}' http://127.0.0.1:${ISSUER_PORT}/token`,
  );
  console.log(
    `  backup status                  : curl -s -H "authorization: Bearer <token>" http://127.0.0.1:${HTTP_PORT}/api/v1/workspaces/${WORKSPACE}/vault-backup`,
  );
  console.log(
    `  key integration                : curl -s -H "authorization: Bearer <token>" http://127.0.0.1:${HTTP_PORT}/api/v1/workspaces/${WORKSPACE}/key-integration`,
  );
  console.log(
    `  what is not in the safe        : curl -s -H "authorization: Bearer <token>" http://127.0.0.1:${HTTP_PORT}/api/v1/workspaces/${WORKSPACE}/vault-backup/problems`,
  );
  console.log(`  Key Vault simulator calls      : curl -s ${keyVault.controlUrl}/_control/counters`);
  console.log(`  logs                           : ${LOG_DIR}/vault-backup.log, local-issuer.log`);

  const walkthrough = fixWalkthrough(nonEmpty(process.env.XDG_RUNTIME_DIR));
  step('Fix failed backups: copy-paste into a shell in the repo (README: "Fix failed backups")');
  for (const line of walkthrough.printed) console.log(`  ${line}`);

  if (process.env.DEMO_EXIT === '1') {
    step('Checking the walk-through (DEMO_EXIT=1): running the commands above as printed');
    await checkWalkthrough(walkthrough);
    return;
  }
  console.log('\n  The demo keeps running; Ctrl-C stops it (the local stack stays up: npm run stack:down).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

main()
  .then(stopAll)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(`\n✖ demo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`  logs: ${LOG_DIR}`);
    await stopAll();
    process.exit(1);
  });
