import { constants, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { type App, type Harness, type VaultAddress, startHarness } from '../../test/simulator-harness';

interface KeyVersionView {
  name: string;
  version: string;
  kid: string;
  directKid: string;
  kty: string;
  size?: number;
  keyOps: string[];
  attributes: { enabled: boolean; nbf?: number; exp?: number; created: number; updated: number };
  jwk: { kid: string; n: string; e: string };
  publicKeyPem: string;
}

describe('control API', () => {
  let harness: Harness;
  let app: App;
  let vault: VaultAddress;

  const issues = (answer: { json: unknown }) => (answer.json as { issues?: string[] }).issues ?? [];

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    app = await harness.newApp();
    vault = await harness.newVault(app, 'Key Vault Crypto Service Encryption User');
  });

  describe('input validation', () => {
    it.each([
      ['POST', '/vaults', { name: 'x' }, ['name:', 'tenantId:']],
      ['POST', '/vaults', { name: 'ok-name', tenantId: 't', colour: 'red' }, ['Unrecognized key']],
      ['POST', '/vaults', { name: 'ok-name', tenantId: 't', cloud: 'germany' }, ['cloud:']],
      ['POST', '/vaults/{vault}/keys', { name: 'k', kty: 'EC', size: 2048 }, ['size: size is for RSA keys']],
      ['POST', '/vaults/{vault}/keys', { name: 'bad_name' }, ['name:']],
      ['POST', '/vaults/{vault}/keys', { name: 'k', size: 1024 }, ['size:']],
      ['POST', '/vaults/{vault}/keys', { name: 'k', keyOps: ['fly'] }, ['keyOps.0:']],
      ['POST', '/vaults/{vault}/role-assignments', { clientId: 'c', role: 'Owner' }, ['role:']],
      ['POST', '/vaults/{vault}/faults', { type: 'explode' }, ['type:']],
      ['POST', '/vaults/{vault}/faults', { type: 'error', status: 404 }, ['status:']],
      ['PATCH', '/switches', { throttleRetryAfter: 'yes' }, ['throttleRetryAfter:']],
      ['PATCH', '/vaults/{vault}/throttle', { limits: { rsa2048Software: 0 } }, ['limits.rsa2048Software:']],
    ])('%s %s %j → 400 naming the field', async (method, path, body, expected) => {
      const answer = await harness.controlRaw(method, path.replace('{vault}', vault.name), body);
      expect(answer.status).toBe(400);
      for (const fragment of expected) expect(issues(answer).join('\n')).toContain(fragment);
    });

    it('explains bad JSON, unknown routes, wrong methods, missing objects and duplicates', async () => {
      const raw = await fetch(`${harness.simulator.controlUrl}/_control/vaults`, {
        method: 'POST',
        body: '{',
      });
      expect(raw.status).toBe(400);
      expect((await harness.controlRaw('GET', '/nothing-here')).status).toBe(404);
      expect((await harness.controlRaw('PUT', '/vaults')).status).toBe(405);
      expect(await harness.controlRaw('GET', '/vaults/missing-vault')).toMatchObject({
        status: 404,
        json: { error: 'not_found', message: 'vault missing-vault does not exist' },
      });
      expect(
        (await harness.controlRaw('POST', '/vaults', { name: vault.name, tenantId: app.tenantId })).status,
      ).toBe(409);
      expect(
        (await harness.controlRaw('PUT', '/tenants/bad tenant/apps/x', { clientSecret: 's' })).status,
      ).toBe(400);
    });
  });

  describe('keys', () => {
    it('creates a key and returns its kid (Azure form and direct form), public PEM and JWK; the JWK and the PEM are the same key', async () => {
      const key = await harness.control<KeyVersionView>('POST', `/vaults/${vault.name}/keys`, {
        name: 'cmk',
        size: 3072,
      });
      expect(key).toMatchObject({
        name: 'cmk',
        kty: 'RSA',
        size: 3072,
        kid: `https://${vault.name}.vault.azure.net/keys/cmk/${key.version}`,
        directKid: `${vault.directUrl}/keys/cmk/${key.version}`,
        jwk: { kid: `${vault.vaultUrl}/keys/cmk/${key.version}` },
      });
      expect(key.version).toMatch(/^[0-9a-f]{32}$/);
      expect(key.keyOps).toEqual(['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey']);
      const fromPem = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
      expect(fromPem.n).toBe(key.jwk.n);
      expect(JSON.stringify(key)).not.toMatch(/PRIVATE|"d":/);
    });

    it('updates attributes of the current or a given version, and clears nbf/exp with null', async () => {
      const first = await harness.control<KeyVersionView>('POST', `/vaults/${vault.name}/keys`, {
        name: 'cmk',
      });
      const second = await harness.control<KeyVersionView>('POST', `/vaults/${vault.name}/keys/cmk/rotate`);
      const current = await harness.control<KeyVersionView>('PATCH', `/vaults/${vault.name}/keys/cmk`, {
        enabled: false,
        exp: '2030-01-01T00:00:00Z',
        keyOps: ['wrapKey', 'unwrapKey'],
      });
      expect(current).toMatchObject({
        version: second.version,
        keyOps: ['wrapKey', 'unwrapKey'],
        attributes: { enabled: false, exp: 1893456000 },
      });
      const old = await harness.control<KeyVersionView>(
        'PATCH',
        `/vaults/${vault.name}/keys/cmk/versions/${first.version}`,
        {
          nbf: 1_700_000_000,
        },
      );
      expect(old.attributes.nbf).toBe(1_700_000_000);
      const cleared = await harness.control<KeyVersionView>('PATCH', `/vaults/${vault.name}/keys/cmk`, {
        exp: null,
      });
      expect(cleared.attributes.exp).toBeUndefined();
      const listing = await harness.control<{ currentVersion: string; versions: KeyVersionView[] }>(
        'GET',
        `/vaults/${vault.name}/keys/cmk`,
      );
      expect(listing.currentVersion).toBe(second.version);
      expect(listing.versions.map((version) => version.version)).toEqual([first.version, second.version]);
    });

    it('imports a PEM key; RSA-OAEP-256 is OAEP with SHA-256 and MGF1-SHA-256 (Node wraps, the vault unwraps)', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const key = await harness.control<KeyVersionView>('POST', `/vaults/${vault.name}/keys`, {
        name: 'imported',
        kty: 'RSA-HSM',
        privateKeyPem: pem,
      });
      expect(key).toMatchObject({ kty: 'RSA-HSM', size: 2048 });
      const dek = randomBytes(32);
      const wrapped = publicEncrypt(
        {
          key: createPublicKey(key.publicKeyPem),
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
        },
        dek,
      );
      const crypto = harness.cryptoClient(key.kid, harness.credential(app));
      expect(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', wrapped)).result).equals(dek)).toBe(true);
      const notAKey = await harness.controlRaw('POST', `/vaults/${vault.name}/keys`, {
        name: 'junk',
        privateKeyPem: 'nope',
      });
      expect(notAKey).toMatchObject({
        status: 400,
        json: { message: 'privateKeyPem is not a readable private key' },
      });
    });

    it('assigns and removes roles', async () => {
      const other = await harness.newApp(app.tenantId);
      await harness.control('POST', `/vaults/${vault.name}/role-assignments`, {
        clientId: other.clientId,
        role: 'Key Vault Reader',
      });
      await harness.control('POST', `/vaults/${vault.name}/role-assignments`, {
        clientId: other.clientId,
        role: 'Key Vault Crypto User',
      });
      const assignments = await harness.control<{ clientId: string; roles: string[] }[]>(
        'GET',
        `/vaults/${vault.name}/role-assignments`,
      );
      expect(assignments.find((entry) => entry.clientId === other.clientId.toLowerCase())?.roles).toEqual([
        'Key Vault Reader',
        'Key Vault Crypto User',
      ]);
      await harness.control(
        'DELETE',
        `/vaults/${vault.name}/role-assignments/${other.clientId}/${encodeURIComponent('Key Vault Reader')}`,
      );
      await harness.control('DELETE', `/vaults/${vault.name}/role-assignments/${other.clientId}`);
      expect(
        (await harness.controlRaw('DELETE', `/vaults/${vault.name}/role-assignments/${other.clientId}`))
          .status,
      ).toBe(404);
    });
  });

  describe('observation', () => {
    it('logs method, path, status and client id of every call, never a secret, token or key value', async () => {
      const key = await harness.control<KeyVersionView>('POST', `/vaults/${vault.name}/keys`, {
        name: 'cmk',
      });
      const credential = harness.credential(app);
      const token = await credential.getToken('https://vault.azure.net/.default');
      const crypto = harness.cryptoClient(key.kid, credential);
      const dek = randomBytes(32);
      const wrapped = await crypto.wrapKey('RSA-OAEP-256', dek);
      await crypto.unwrapKey('RSA-OAEP-256', wrapped.result);
      const log = await harness.control<{
        entries: { listener: string; operation: string; clientId: string | null }[];
      }>('GET', '/requests');
      const text = JSON.stringify(log);
      for (const secret of [
        app.clientSecret,
        token.token,
        token.token.split('.')[2],
        dek.toString('base64url'),
        Buffer.from(wrapped.result).toString('base64url'),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(log.entries.filter((entry) => entry.operation === 'wrapKey')).toEqual([
        expect.objectContaining({
          listener: 'vault',
          clientId: app.clientId,
          status: 200,
          path: expect.stringContaining('/wrapkey'),
        }),
      ]);
      expect(JSON.stringify(await harness.control('GET', '/state'))).not.toContain(app.clientSecret);
    });

    it('counts calls per vault and operation, and resets the counts', async () => {
      await harness.control('POST', `/vaults/${vault.name}/keys`, { name: 'cmk' });
      await harness.keyClient(vault.vaultUrl, harness.credential(app)).getKey('cmk');
      const counters = await harness.control<{ vaults: Record<string, Record<string, number>> }>(
        'GET',
        '/counters',
      );
      expect(counters.vaults[vault.name]).toEqual({
        challenge: 1,
        getKey: 1,
        wrapKey: 0,
        unwrapKey: 0,
        encrypt: 0,
        decrypt: 0,
        throttled: 0,
        unknown: 0,
      });
      await harness.control('DELETE', '/counters');
      expect((await harness.control<typeof counters>('GET', '/counters')).vaults[vault.name]?.getKey).toBe(0);
    });
  });

  describe('seed and reset', () => {
    it('seeds tenants, apps (secret from the environment), vaults, keys and roles that the SDK can use at once', async () => {
      process.env.KV_SIM_TEST_SEED_SECRET = 'seeded-secret';
      const seeded = await harness.control<{ vaults: VaultAddress[] }>('POST', '/seed', {
        tenants: [
          {
            tenantId: 'seed-tenant',
            apps: [{ clientId: 'seed-app', clientSecretEnv: 'KV_SIM_TEST_SEED_SECRET' }],
          },
        ],
        vaults: [
          {
            name: 'seeded-vault',
            tenantId: 'seed-tenant',
            keys: [{ name: 'cmk', kty: 'RSA', size: 2048 }],
            roleAssignments: [{ clientId: 'seed-app', role: 'Key Vault Crypto Service Encryption User' }],
          },
        ],
      });
      const seededVault = seeded.vaults[0];
      const credential = harness.credential({
        tenantId: 'seed-tenant',
        clientId: 'seed-app',
        clientSecret: 'seeded-secret',
      });
      const key = await harness.keyClient(seededVault.vaultUrl, credential).getKey('cmk');
      const crypto = harness.cryptoClient(key.id!, credential);
      const dek = randomBytes(32);
      const unwrapped = await crypto.unwrapKey(
        'RSA-OAEP-256',
        (await crypto.wrapKey('RSA-OAEP-256', dek)).result,
      );
      expect(Buffer.from(unwrapped.result).equals(dek)).toBe(true);
      expect(seededVault.vaultUrl).toBe('https://seeded-vault.vault.azure.net');
      expect(seededVault.directUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      await harness.control('DELETE', '/vaults/seeded-vault');
      // Its listener is closed, and the front door no longer knows the name: no answer either way.
      await expect(
        harness.https('GET', `${seededVault.directUrl}/keys/cmk?api-version=7.5`),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(
        harness.https('GET', `${seededVault.vaultUrl}/keys/cmk?api-version=7.5`),
      ).rejects.toMatchObject({ code: 'ECONNRESET' });
    });

    it('refuses a seed whose secret variable is unset', async () => {
      const answer = await harness.controlRaw('POST', '/seed', {
        tenants: [
          { tenantId: 't-unset', apps: [{ clientId: 'a', clientSecretEnv: 'KV_SIM_TEST_UNSET_VARIABLE' }] },
        ],
      });
      expect(answer).toMatchObject({
        status: 400,
        json: { message: expect.stringContaining('KV_SIM_TEST_UNSET_VARIABLE') },
      });
      const state = await harness.control<{ tenants: { tenantId: string }[] }>('GET', '/state');
      expect(state.tenants.map((tenant) => tenant.tenantId)).not.toContain('t-unset');
    });

    it('moves the simulator clock forward and back', async () => {
      const moved = await harness.control<{ offsetMs: number }>('POST', '/clock', { advanceMs: 60_000 });
      expect(moved.offsetMs).toBe(60_000);
      await harness.control('DELETE', '/clock');
      expect(await harness.control('GET', '/clock')).toMatchObject({ offsetMs: 0 });
    });
  });
});

describe('control API reset', () => {
  it('forgets everything and closes vault listeners', async () => {
    const harness = await startHarness();
    try {
      const app = await harness.newApp();
      const vault = await harness.newVault(app);
      await harness.control('PATCH', '/switches', { requireApiVersion: false });
      await harness.control('POST', '/reset');
      expect(await harness.control('GET', '/state')).toMatchObject({
        tenants: [],
        vaults: [],
        switches: { requireApiVersion: true },
      });
      await expect(harness.https('GET', `${vault.directUrl}/keys/k`)).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      await expect(harness.https('GET', `${vault.vaultUrl}/keys/k`)).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
    } finally {
      await harness.stop();
    }
  });
});
