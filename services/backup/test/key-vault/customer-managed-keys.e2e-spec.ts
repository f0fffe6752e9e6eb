import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { type KafkaMessage } from 'kafkajs';
import { type DataCipher, type EnvelopeDataCipher, JweSecretsEncryptor } from '@vault-backup/crypto';
import { type AccountEventData, type FlattenedJwe } from '@vault-backup/event-contract';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import {
  type KeyVaultSimulatorProcess,
  type SimulatedKeyVersion,
  startKeyVaultSimulatorProcess,
  testKafka,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { DATA_CIPHER, ENVELOPE_DATA_CIPHER } from '../../src/crypto/crypto.tokens';
import { AdminE2eHarness, expectStatus, type HttpResult } from '../admin/support/admin-e2e.harness';

const ENCRYPTION_USER = 'Key Vault Crypto Service Encryption User';
/** Every secret in this file starts with it, so a scan for plaintext cannot miss one. */
const MARKER = 'PLAINTEXT-MARKER';

interface AzureWorkspace {
  readonly workspaceId: string;
  readonly vault: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly vaultUrl: string;
  readonly key: SimulatedKeyVersion;
  /** The PUT .../key-integration body. */
  readonly integration: Record<string, string>;
}

interface FailureItem {
  readonly accountId: string | null;
  readonly error: { readonly class: string; readonly code: string; readonly message: string };
}

const keyPath = (workspaceId: string) => `/api/v1/workspaces/${workspaceId}/key-integration`;
const failuresPath = (workspaceId: string) => `/api/v1/workspaces/${workspaceId}/vault-backup/failures`;

function flip(encoded: string): string {
  const bytes = Buffer.from(encoded, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('customer-managed keys in Azure Key Vault (real SDK, Key Vault + Entra simulator, Kafka, PostgreSQL)', () => {
  let keyVault: KeyVaultSimulatorProcess;
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    keyVault = await startKeyVaultSimulatorProcess();
    harness = await AdminE2eHarness.create({
      env: {
        KEY_VAULT_AUTHORITY_HOST: keyVault.authorityHost,
        KEY_VAULT_EXTRA_CA_FILE: keyVault.caCertFile,
        KEY_VAULT_ALLOW_INSECURE_LOOPBACK: 'true',
        // Vault hosts (<vault>.vault.azure.net) reach the simulator's front door, TLS and kids unchanged.
        KEY_VAULT_CONNECT_TO: `${keyVault.frontDoor.host}:${keyVault.frontDoor.port}`,
        KEY_VAULT_REQUEST_TIMEOUT: '2s',
        BACKUP_WORKSPACE_CACHE_TTL: '500ms',
      },
    });
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
    await keyVault?.stop();
  });

  /** A service principal, its vault and an RSA key, as the seed's steps 1-4 leave them in Azure. */
  async function azureWorkspace(
    options: { size?: 2048 | 4096; kty?: 'RSA' | 'EC'; enabled?: boolean; role?: boolean } = {},
  ): Promise<AzureWorkspace> {
    const workspaceId = uniqueName('ws-cmk');
    const tenantId = randomUUID();
    const clientId = randomUUID();
    const clientSecret = `cs-${randomBytes(12).toString('hex')}`;
    await keyVault.control.registerApp(tenantId, clientId, clientSecret);
    const vault = uniqueName('kv')
      .replace(/[^a-z0-9-]/g, '')
      .slice(0, 24);
    const { vaultUrl } = await keyVault.control.createVault({ name: vault, tenantId });
    const key = await keyVault.control.createKey(vault, {
      name: 'cmk',
      kty: options.kty ?? 'RSA',
      ...(options.kty === 'EC' ? { curve: 'P-256' as const } : { size: options.size ?? 4096 }),
      ...(options.enabled === false ? { enabled: false } : {}),
    });
    if (options.role !== false) await keyVault.control.assignRole(vault, clientId, ENCRYPTION_USER);
    return {
      workspaceId,
      vault,
      tenantId,
      clientId,
      clientSecret,
      vaultUrl,
      key,
      integration: { directoryTenantId: tenantId, clientId, clientSecret, vaultUrl, keyName: 'cmk' },
    };
  }

  async function putKey(workspace: AzureWorkspace, body = workspace.integration): Promise<HttpResult> {
    const token = await harness.tokenFor(workspace.workspaceId, 'owner');
    return harness.request('PUT', keyPath(workspace.workspaceId), { token, body });
  }

  /** Backup enabled (steps 1-3) and the workspace's key integration set, both through the API. */
  async function securedWorkspace(): Promise<AzureWorkspace & { tenant: string }> {
    const workspace = await azureWorkspace();
    const tenant = await harness.setUpEnabledBackup(workspace.workspaceId);
    expectStatus(await putKey(workspace), 200);
    return { ...workspace, tenant: tenant.tenant };
  }

  function encryptorFor(workspace: AzureWorkspace, encryptor = new JweSecretsEncryptor()) {
    const publicKey = createPublicKey(workspace.key.publicKeyPem);
    return (password: string, kid = workspace.key.kid): Promise<FlattenedJwe> =>
      encryptor.encrypt({ password }, { kid, publicKey });
  }

  function account(workspaceId: string, accountId: string, encryptedSecrets: FlattenedJwe): AccountEventData {
    return {
      workspaceId,
      accountId,
      version: 1,
      provider: 'github',
      label: accountId,
      url: 'https://github.com/login',
      username: 'octo',
      encryptedSecrets,
    };
  }

  async function failures(workspaceId: string, count: number): Promise<FailureItem[]> {
    const token = await harness.tokenFor(workspaceId, 'owner');
    return waitFor(
      async () => {
        const result = await harness.request('GET', failuresPath(workspaceId), { token });
        const items = (result.body as { items?: FailureItem[] }).items ?? [];
        return items.length >= count ? items : undefined;
      },
      { timeoutMs: 30_000, description: `${count} failures of ${workspaceId}` },
    );
  }

  async function backedUp(tenant: string, workspaceId: string, count: number) {
    return waitFor(
      async () => {
        const accounts = await harness.simulator.control.listAccounts(tenant, {
          safeName: 'VaultBackupSafe',
        });
        const ours = accounts.filter((entry) => entry.name.startsWith(`vb.${workspaceId}.`));
        return ours.length >= count ? ours : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: `${count} backups of ${workspaceId}` },
    );
  }

  /** What DATA_KEY_CACHE_TTL does in time: the next open of the workspace's data asks Key Vault again. */
  function expireDataKeyCache(workspaceId: string): void {
    harness.app!.get<EnvelopeDataCipher>(ENVELOPE_DATA_CIPHER).forgetScope(workspaceId);
  }

  function unwrapCalls(vault: string): Promise<number> {
    return keyVault.control.counters().then((counters) => counters.vaults[vault]?.unwrapKey ?? 0);
  }

  describe('setting up the key: each problem on its own', () => {
    function failedCheck(result: HttpResult): { name: string; problem?: string; fix?: string } | undefined {
      const report = (
        result.body as {
          report: { checks: { status: string; name: string; problem?: string; fix?: string }[] };
        }
      ).report;
      return report.checks.find((check) => check.status === 'failed');
    }

    it.each<[string, Parameters<typeof azureWorkspace>[0], string, string]>([
      ['a 2048-bit key', { size: 2048 }, 'key-size', 'key-size'],
      ['an EC key', { kty: 'EC' }, 'key-type', 'key-not-rsa'],
      ['a disabled key', { enabled: false }, 'key-enabled', 'key-disabled'],
      ['a service principal without a role', { role: false }, 'key-found', 'forbidden'],
    ])('refuses %s, stores nothing, and names the fix', async (_case, options, check, problem) => {
      const workspace = await azureWorkspace(options);

      const result = await putKey(workspace);

      expectStatus(result, 422);
      expect(failedCheck(result)).toMatchObject({ name: check, problem });
      expect(failedCheck(result)?.fix).toBeTruthy();
      expect(result.text).not.toContain(workspace.clientSecret);
      const token = await harness.tokenFor(workspace.workspaceId, 'owner');
      expectStatus(await harness.request('GET', keyPath(workspace.workspaceId), { token }), 404);
    });

    it('names the smallest built-in role that works when the role is missing', async () => {
      const result = await putKey(await azureWorkspace({ role: false }));

      expect(failedCheck(result)?.fix).toContain(ENCRYPTION_USER);
    });

    it('refuses a wrong client secret as an authentication failure', async () => {
      const workspace = await azureWorkspace();

      const result = await putKey(workspace, { ...workspace.integration, clientSecret: 'not-the-secret' });

      expectStatus(result, 422);
      expect(failedCheck(result)).toMatchObject({ name: 'authentication', problem: 'authentication-failed' });
    });

    it('refuses a vault host outside Key Vault as a field problem, contacting nothing', async () => {
      const workspace = await azureWorkspace();

      const result = await putKey(workspace, {
        ...workspace.integration,
        vaultUrl: 'https://vault.example.com',
      });

      expectStatus(result, 400);
      expect(result.text).toContain('vaultUrl');
    });

    it('stores a valid key without ever returning its secret, and audits it', async () => {
      const workspace = await azureWorkspace();

      const result = await putKey(workspace);

      expectStatus(result, 200);
      expect(result.body).toMatchObject({
        status: 'passed',
        keyIntegration: { keyId: workspace.key.kid, clientSecretSet: true, vaultUrl: workspace.vaultUrl },
      });
      expect(result.text).not.toContain(workspace.clientSecret);
      const token = await harness.tokenFor(workspace.workspaceId, 'owner');
      const audit = await harness.request(
        'GET',
        `/api/v1/workspaces/${workspace.workspaceId}/vault-backup/audit-log`,
        {
          token,
        },
      );
      expect(audit.text).toContain('key-connected');
      expect(audit.text).not.toContain(workspace.clientSecret);
    });
  });

  describe('events with secrets encrypted to the workspace key', () => {
    it('backs them up through Key Vault: 1,000 events sharing one content key cost one unwrap call', async () => {
      const workspace = await securedWorkspace();
      // Warm up: the first event also opens the workspace's stored client secret (a data-key unwrap).
      await harness.emit(
        account(workspace.workspaceId, 'warm-up', await encryptorFor(workspace)(`${MARKER}-w`)),
      );
      await backedUp(workspace.tenant, workspace.workspaceId, 1);
      const encrypt = encryptorFor(workspace, new JweSecretsEncryptor());
      const before = await unwrapCalls(workspace.vault);
      const events = await Promise.all(
        Array.from({ length: 1_000 }, async (_, index) =>
          account(workspace.workspaceId, `acc-${index}`, await encrypt(`${MARKER}-pw-${index}`)),
        ),
      );

      await harness.emitMany(events);

      const accounts = await backedUp(workspace.tenant, workspace.workspaceId, 1_001);
      expect(accounts).toHaveLength(1_001);
      const sample = accounts.find((entry) => entry.name === `vb.${workspace.workspaceId}.acc-7`);
      expect(sample?.secret.reveal()).toBe(`${MARKER}-pw-7`);
      expect((await unwrapCalls(workspace.vault)) - before).toBe(1);
    });

    it('fails each undecryptable event with its own precise reason, and nothing else', async () => {
      const workspace = await securedWorkspace();
      const other = await azureWorkspace();
      const encrypt = encryptorFor(workspace);
      const good = await encrypt(`${MARKER}-fine`);
      const unknownVersion = `${workspace.vaultUrl}/keys/cmk/${'0'.repeat(32)}`;
      await harness.emitMany([
        account(workspace.workspaceId, 'untrusted-kid', await encryptorFor(other)(`${MARKER}-x`)),
        account(workspace.workspaceId, 'unknown-version', await encrypt(`${MARKER}-y`, unknownVersion)),
        account(workspace.workspaceId, 'tampered-ciphertext', { ...good, ciphertext: flip(good.ciphertext) }),
        account(workspace.workspaceId, 'wrong-tag', { ...good, tag: flip(good.tag) }),
        account(workspace.workspaceId, 'fine', good),
      ]);

      const items = await failures(workspace.workspaceId, 4);
      const reasons = Object.fromEntries(
        items.map((item) => [item.accountId, `${item.error.class}: ${item.error.message}`]),
      );
      expect(reasons).toEqual({
        'untrusted-kid': expect.stringMatching(/^secret-decryption-failed: .*key id is not trusted/),
        'unknown-version': expect.stringMatching(/^secret-decryption-failed: .*/),
        'tampered-ciphertext': expect.stringMatching(/^secret-decryption-failed: .*tampered/),
        'wrong-tag': expect.stringMatching(/^secret-decryption-failed: .*tampered/),
      });
      expect(reasons['unknown-version']).toMatch(/not found/i);
      await backedUp(workspace.tenant, workspace.workspaceId, 1);
    });

    it('waits out Key Vault throttling (429 with Retry-After) without a dead letter', async () => {
      const workspace = await securedWorkspace();
      await keyVault.control.addVaultFault(workspace.vault, {
        type: 'throttle',
        retryAfterSeconds: 1,
        operation: 'unwrapKey',
        count: 6,
      });

      await harness.emit(
        account(workspace.workspaceId, 'throttled', await encryptorFor(workspace)(`${MARKER}-t`)),
      );

      const [backup] = await backedUp(workspace.tenant, workspace.workspaceId, 1);
      expect(backup?.secret.reveal()).toBe(`${MARKER}-t`);
      const token = await harness.tokenFor(workspace.workspaceId, 'owner');
      const listed = await harness.request('GET', failuresPath(workspace.workspaceId), { token });
      expect((listed.body as { items: unknown[] }).items).toHaveLength(0);
    });
  });

  describe('revoking the workspace key', () => {
    it("parks that workspace's backups, lets others flow, makes its stored data unreadable to us, and resumes when access returns", async () => {
      const revoked = await securedWorkspace();
      const untouched = await securedWorkspace();
      const cipher = harness.app!.get<DataCipher>(DATA_CIPHER);
      await harness.emit(account(revoked.workspaceId, 'before', await encryptorFor(revoked)(`${MARKER}-a0`)));
      await backedUp(revoked.tenant, revoked.workspaceId, 1);

      await keyVault.control.removeRole(revoked.vault, revoked.clientId);
      // A new content key (a new emitter session): nothing cached can stand in for the vault.
      await harness.emit(
        account(
          revoked.workspaceId,
          'after',
          await encryptorFor(revoked, new JweSecretsEncryptor())(`${MARKER}-a1`),
        ),
      );
      await harness.emit(
        account(untouched.workspaceId, 'flows', await encryptorFor(untouched)(`${MARKER}-b1`)),
      );

      await backedUp(untouched.tenant, untouched.workspaceId, 1);
      const parked = await waitFor(
        async () => {
          const rows = await harness.database.dataSource.query<
            { account_id: string; last_error_class: string; record_ciphertext: string }[]
          >(
            `SELECT account_id, last_error_class, record_ciphertext FROM pending_backup WHERE workspace_id = $1`,
            [revoked.workspaceId],
          );
          return rows.find((row) => row.account_id === 'after');
        },
        { timeoutMs: 30_000, description: 'the revoked workspace parks its backup' },
      );
      expect(parked.last_error_class).toBe('key-access-revoked');
      // SREs see it as it is: Key Vault refused the unwrap for want of a role.
      const metrics = await (await fetch(harness.url('/metrics'))).text();
      expect(metrics).toMatch(
        /vault_backup_key_vault_operations_total\{operation="unwrap-key",outcome="forbidden"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /vault_backup_key_vault_operations_total\{operation="unwrap-key",outcome="ok"\} [1-9]/,
      );
      const token = await harness.tokenFor(revoked.workspaceId, 'owner');
      const listed = await harness.request('GET', failuresPath(revoked.workspaceId), { token });
      expect((listed.body as { items: unknown[] }).items).toHaveLength(0);

      // Crypto-shredding: once the data-key cache has expired (DATA_KEY_CACHE_TTL; expired at once here),
      // what we keep for the workspace cannot be opened by us any more; the other workspace's data still opens.
      expireDataKeyCache(revoked.workspaceId);
      expireDataKeyCache(untouched.workspaceId);
      await expect(
        cipher.decrypt(parked.record_ciphertext, 'pending-backup', revoked.workspaceId),
      ).rejects.toMatchObject({
        errorClass: 'key-access-revoked',
      });
      const [configuration] = await harness.database.dataSource.query<{ client_secret_ciphertext: string }[]>(
        `SELECT client_secret_ciphertext FROM backup_configuration WHERE workspace_id = $1`,
        [untouched.workspaceId],
      );
      await expect(
        cipher.decrypt(
          configuration.client_secret_ciphertext,
          CLIENT_SECRET_CIPHER_CONTEXT,
          untouched.workspaceId,
        ),
      ).resolves.toBeInstanceOf(Uint8Array);

      await keyVault.control.assignRole(revoked.vault, revoked.clientId, ENCRYPTION_USER);
      const accounts = await backedUp(revoked.tenant, revoked.workspaceId, 2);
      expect(accounts.find((entry) => entry.name.endsWith('.after'))?.secret.reveal()).toBe(`${MARKER}-a1`);
    });
  });

  describe('rotation and removal', () => {
    it('rotates to the new key version online: data keys re-wrapped, old events still decrypt', async () => {
      const workspace = await securedWorkspace();
      const oldKid = workspace.key.kid;
      const rotated = await keyVault.control.rotateKey(workspace.vault, 'cmk');
      const token = await harness.tokenFor(workspace.workspaceId, 'owner');

      const result = await harness.request('POST', `${keyPath(workspace.workspaceId)}/rotate`, { token });

      expectStatus(result, 200);
      expect(result.body).toMatchObject({ keyIntegration: { keyId: rotated.kid } });
      const kids = await harness.database.dataSource.query<{ workspace_kid: string | null }[]>(
        `SELECT workspace_kid FROM data_key WHERE scope = $1`,
        [`workspace:${workspace.workspaceId}`],
      );
      // Data keys made before the key was set have no workspace share and cannot gain one.
      const shared = kids.filter((row) => row.workspace_kid !== null);
      expect(shared.length).toBeGreaterThan(0);
      expect(shared.every((row) => row.workspace_kid === rotated.kid)).toBe(true);
      await harness.emit(
        account(workspace.workspaceId, 'old-version', await encryptorFor(workspace)(`${MARKER}-o`, oldKid)),
      );
      const [backup] = await backedUp(workspace.tenant, workspace.workspaceId, 1);
      expect(backup?.secret.reveal()).toBe(`${MARKER}-o`);
    });

    it('removes the key after moving its data under the service key; refuses while access is lost unless shredding', async () => {
      const kept = await securedWorkspace();
      const token = await harness.tokenFor(kept.workspaceId, 'owner');

      expectStatus(await harness.request('DELETE', keyPath(kept.workspaceId), { token }), 204);

      const shares = await harness.database.dataSource.query<{ workspace_kid: string | null }[]>(
        `SELECT workspace_kid FROM data_key WHERE scope = $1`,
        [`workspace:${kept.workspaceId}`],
      );
      expect(shares.every((row) => row.workspace_kid === null)).toBe(true);

      const lost = await securedWorkspace();
      const lostToken = await harness.tokenFor(lost.workspaceId, 'owner');
      await keyVault.control.removeRole(lost.vault, lost.clientId);
      const refused = await harness.request('DELETE', keyPath(lost.workspaceId), { token: lostToken });
      expectStatus(refused, 409);
      expect(refused.text).toContain('shred');
      expectStatus(
        await harness.request('DELETE', `${keyPath(lost.workspaceId)}?shred=true`, { token: lostToken }),
        204,
      );
    });
  });

  describe('no plaintext secret anywhere', () => {
    it('leaves no secret in PostgreSQL, the logs or the dead-letter topic', async () => {
      const tables = await harness.database.dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      for (const { table_name: table } of tables) {
        const rows = await harness.database.dataSource.query<{ row: string }[]>(
          `SELECT t::text AS row FROM "${table}" t`,
        );
        const leaked = rows.filter((entry) => entry.row.includes(MARKER));
        expect({ table, leaked }).toEqual({ table, leaked: [] });
      }
      expect(harness.logs.text()).not.toContain(MARKER);
      const deadLetters = await readAll(harness.topics.dlq);
      expect(deadLetters.some((message) => message.value?.toString('latin1').includes(MARKER))).toBe(false);
    });
  });
});

/** Whatever is on the topic now (read from the beginning until a quiet second). */
async function readAll(topic: string): Promise<KafkaMessage[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('cmk-read') });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let last = Date.now();
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
        last = Date.now();
      },
    });
    await waitFor(() => Date.now() - last > 1_500, { timeoutMs: 20_000, description: `a quiet ${topic}` });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
