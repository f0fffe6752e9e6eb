import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { Secret } from '@vault-backup/config';
import { type KeyVaultSimulatorSdkOptions, keyVaultSimulatorSdkOptions } from './key-vault-sdk-options';
import { KeyVaultSimulatorControlError } from './key-vault-simulator-control.client';
import { type KeyVaultSeedDocument } from './key-vault-simulator-control.types';
import { type KeyVaultSimulatorProcess, startKeyVaultSimulatorProcess } from './key-vault-simulator-process';

const SEED_SECRET_ENV = 'KV_SIM_PROCESS_TEST_SECRET';

describe('Key Vault simulator child process + typed control client', () => {
  let dir: string;
  let simulator: KeyVaultSimulatorProcess;
  let sdk: KeyVaultSimulatorSdkOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kv-sim-process-'));
    const seed: KeyVaultSeedDocument = {
      tenants: [
        { tenantId: 'seed-tenant', apps: [{ clientId: 'seed-app', clientSecretEnv: SEED_SECRET_ENV }] },
      ],
      vaults: [
        {
          name: 'seeded-vault',
          tenantId: 'seed-tenant',
          keys: [{ name: 'cmk' }],
          roleAssignments: [{ clientId: 'seed-app', role: 'Key Vault Crypto Service Encryption User' }],
        },
      ],
    };
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    simulator = await startKeyVaultSimulatorProcess({
      seedFile: join(dir, 'seed.json'),
      env: { [SEED_SECRET_ENV]: 'from-the-environment' },
    });
    sdk = keyVaultSimulatorSdkOptions(simulator);
  }, 60_000);

  afterAll(async () => {
    sdk.close();
    await simulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('announces its endpoints and the CA, and loads the seed file', async () => {
    expect(simulator.authorityHost).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(simulator.caCertFile)).toBe(true);
    expect(simulator.caPem).toContain('BEGIN CERTIFICATE');
    expect(simulator.frontDoor).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    expect(simulator.seededVaults).toEqual([
      {
        name: 'seeded-vault',
        vaultUrl: 'https://seeded-vault.vault.azure.net',
        directUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      },
    ]);
    expect(await simulator.control.health()).toEqual({ status: 'ok' });
    const credential = new ClientSecretCredential(
      'seed-tenant',
      'seed-app',
      'from-the-environment',
      sdk.credentialOptions,
    );
    const key = await new KeyClient(
      simulator.seededVaults[0].directUrl,
      credential,
      sdk.clientOptions,
    ).getKey('cmk');
    expect(key.keyType).toBe('RSA');
  });

  it('sets up tenant, app, vault, key and role through the client; the SDK round-trips a data key', async () => {
    const { control } = simulator;
    const tenantId = randomUUID();
    const clientId = randomUUID();
    const app = await control.registerApp(tenantId, clientId, new Secret('s3cret-value'));
    expect(app).toMatchObject({ tenantId, clientId, objectId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const vault = await control.createVault({
      name: 'process-vault',
      tenantId,
      throttle: { limits: { rsa2048Software: 100 } },
    });
    expect(vault.throttle.limits.rsa2048Software).toBe(100);
    const key = await control.createKey(vault.name, {
      name: 'cmk',
      size: 2048,
      exp: new Date(Date.now() + 86_400_000),
    });
    expect(key.kid).toBe(`https://process-vault.vault.azure.net/keys/cmk/${key.version}`);
    expect(key.directKid).toBe(`${vault.directUrl}/keys/cmk/${key.version}`);
    await control.assignRole(vault.name, clientId, 'Key Vault Crypto Service Encryption User');
    const credential = new ClientSecretCredential(tenantId, clientId, 's3cret-value', sdk.credentialOptions);
    // These options reach the loopback listener, so the loopback kid.
    const crypto = new CryptographyClient(key.directKid, credential, sdk.clientOptions);
    const dek = randomBytes(32);
    const wrapped = await crypto.wrapKey('RSA-OAEP-256', dek);
    expect(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', wrapped.result)).result).equals(dek)).toBe(
      true,
    );
    expect((await control.counters()).vaults['process-vault']).toMatchObject({ wrapKey: 1, unwrapKey: 1 });
    const log = await control.requests({ target: 'process-vault' });
    expect(log.entries.every((entry) => entry.clientId === null || entry.clientId === clientId)).toBe(true);
    expect(JSON.stringify(log)).not.toContain('s3cret-value');

    const rotated = await control.rotateKey(vault.name, 'cmk');
    expect((await control.getKey(vault.name, 'cmk')).currentVersion).toBe(rotated.version);
    await control.updateKey(vault.name, 'cmk', { enabled: false }, key.version);
    await expect(crypto.unwrapKey('RSA-OAEP-256', wrapped.result)).rejects.toMatchObject({ statusCode: 403 });

    const fault = await control.addVaultFault(vault.name, {
      type: 'throttle',
      operation: 'getKey',
      count: 1,
    });
    expect(await control.listVaultFaults(vault.name)).toEqual([
      expect.objectContaining({ id: fault.id, remaining: 1 }),
    ]);
    await control.clearVaultFaults(vault.name);
    await control.removeRole(vault.name, clientId);
    await control.deleteVault(vault.name);
  });

  it('surfaces a refused control call as KeyVaultSimulatorControlError with the simulator’s explanation', async () => {
    const failure = await simulator.control
      .createVault({ name: 'x', tenantId: 't' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeyVaultSimulatorControlError);
    expect((failure as KeyVaultSimulatorControlError).status).toBe(400);
    expect((failure as Error).message).toContain('name:');
  });

  it('flips switches, moves the clock and resets', async () => {
    const { control } = simulator;
    expect(await control.setSwitches({ throttleRetryAfter: false })).toMatchObject({
      throttleRetryAfter: false,
    });
    expect((await control.advanceClock(1_000)).offsetMs).toBe(1_000);
    await control.resetClock();
    await control.reset();
    expect(await control.state()).toMatchObject({
      tenants: [],
      vaults: [],
      switches: { throttleRetryAfter: true },
    });
  });
});
