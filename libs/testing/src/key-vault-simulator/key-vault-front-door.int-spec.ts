import { createDecipheriv, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { agentPolicy } from '@azure/core-rest-pipeline';
import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { encryptSecretsJwe } from '@vault-backup/crypto';
import { type FlattenedJwe, validateFlattenedJwe } from '@vault-backup/event-contract';
import { type KeyVaultFrontDoorAgent, keyVaultFrontDoorAgent } from './key-vault-front-door.agent';
import { keyVaultFrontDoorSdkOptions } from './key-vault-sdk-options';
import { type SimulatedKeyVersion, type SimulatedVault } from './key-vault-simulator-control.types';
import { type KeyVaultSimulatorProcess, startKeyVaultSimulatorProcess } from './key-vault-simulator-process';

const ENCRYPTION_USER = 'Key Vault Crypto Service Encryption User';
const VERSIONED_KID = /^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/cmk\/[0-9a-f]{32}$/;

/** What a consumer does with an event's JWE: unwrap the content key in the kid's vault, then AES-GCM. */
async function openJwe(jwe: FlattenedJwe, crypto: (kid: string) => CryptographyClient): Promise<unknown> {
  const validation = validateFlattenedJwe(jwe);
  if (!validation.ok) throw new Error(validation.reason);
  const unwrapped = await crypto(validation.header.kid).unwrapKey(
    'RSA-OAEP-256',
    Buffer.from(jwe.encrypted_key, 'base64url'),
  );
  const decipher = createDecipheriv('aes-256-gcm', unwrapped.result, Buffer.from(jwe.iv, 'base64url'));
  decipher.setAAD(Buffer.from(jwe.protected, 'ascii'));
  decipher.setAuthTag(Buffer.from(jwe.tag, 'base64url'));
  const plaintext = Buffer.concat([
    decipher.update(Buffer.from(jwe.ciphertext, 'base64url')),
    decipher.final(),
  ]);
  return JSON.parse(plaintext.toString('utf8'));
}

/** The JWE with another kid in its protected header (validation does not decrypt, so no tag check). */
function withKid(jwe: FlattenedJwe, kid: string): FlattenedJwe {
  const header = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return { ...jwe, protected: Buffer.from(JSON.stringify({ ...header, kid })).toString('base64url') };
}

describe('Key Vault simulator front door + keyVaultFrontDoorAgent: the real SDK sees what Azure would give', () => {
  let simulator: KeyVaultSimulatorProcess;
  let agent: KeyVaultFrontDoorAgent;
  let vault: SimulatedVault;
  let key: SimulatedKeyVersion;
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `front-door-${randomBytes(8).toString('hex')}`;

  /** Only `additionalPolicies`: no `disableChallengeResourceVerification` anywhere. */
  const sdk = () => ({ additionalPolicies: [{ policy: agentPolicy(agent), position: 'perCall' as const }] });
  const credential = (options: Partial<ClientSecretCredentialOptions> = {}) =>
    new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost: simulator.authorityHost,
      disableInstanceDiscovery: true,
      ...sdk(),
      ...options,
    });

  beforeAll(async () => {
    simulator = await startKeyVaultSimulatorProcess();
    agent = keyVaultFrontDoorAgent({ frontDoor: simulator.frontDoor, caPem: simulator.caPem });
    await simulator.control.registerApp(tenantId, clientId, clientSecret);
    vault = await simulator.control.createVault({ name: `fd-${randomBytes(3).toString('hex')}`, tenantId });
    await simulator.control.assignRole(vault.name, clientId, ENCRYPTION_USER);
    key = await simulator.control.createKey(vault.name, { name: 'cmk', size: 4096 });
  }, 60_000);

  afterAll(async () => {
    agent?.destroy();
    await simulator?.stop();
  });

  it('announces the front door, and control answers name vaults and kids in Azure’s form', () => {
    expect(simulator.frontDoor).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    expect(vault.vaultUrl).toBe(`https://${vault.name}.vault.azure.net`);
    expect(key.kid).toMatch(VERSIONED_KID);
    expect(key.kid).toBe(`${vault.vaultUrl}/keys/cmk/${key.version}`);
    expect(key.directKid).toBe(`${vault.directUrl}/keys/cmk/${key.version}`);
  });

  it('gets the key, wraps and unwraps through https://<vault>.vault.azure.net with Azure-form kids', async () => {
    const fetched = await new KeyClient(vault.vaultUrl, credential(), sdk()).getKey('cmk');
    expect(fetched.id).toBe(key.kid);
    expect(Buffer.from(fetched.key!.n!)).toHaveLength(512);
    const crypto = new CryptographyClient(fetched.id!, credential(), sdk());
    const dataKey = randomBytes(32);
    const wrapped = await crypto.wrapKey('RSA-OAEP-256', dataKey);
    expect(wrapped.keyID).toBe(key.kid);
    const unwrapped = await crypto.unwrapKey('RSA-OAEP-256', wrapped.result);
    expect(unwrapped.keyID).toBe(key.kid);
    expect(Buffer.from(unwrapped.result).equals(dataKey)).toBe(true);
    const log = await simulator.control.requests({ target: vault.name });
    expect(new Set(log.entries.map((entry) => entry.via))).toEqual(new Set(['front-door']));
  });

  it('makes an event JWE whose kid passes the event contract, and opens it through the vault that kid names', async () => {
    const publicKey = createPublicKey(key.publicKeyPem);
    const jwe = await encryptSecretsJwe({ password: 'front-door-secret' }, { kid: key.kid, publicKey });
    const validation = validateFlattenedJwe(jwe);
    expect(validation).toMatchObject({ ok: true, header: { kid: key.kid, alg: 'RSA-OAEP-256' } });
    const consumer = credential();
    const opened = await openJwe(jwe, (kid) => new CryptographyClient(kid, consumer, sdk()));
    expect(opened).toEqual({ password: 'front-door-secret' });
  });

  it('is what makes that possible: the loopback kid is refused by the contract', async () => {
    const jwe = await encryptSecretsJwe(
      { password: 'x' },
      { kid: key.kid, publicKey: createPublicKey(key.publicKeyPem) },
    );
    expect(validateFlattenedJwe(withKid(jwe, key.directKid))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('kid'),
    });
  });

  it('keeps the SDK’s challenge resource check on: the loopback URL fails it, the front door passes it', async () => {
    const direct = new KeyClient(vault.directUrl, credential(), sdk());
    await expect(direct.getKey('cmk')).rejects.toThrow(
      /challenge resource 'vault\.azure\.net' does not match/,
    );
  });

  it('keyVaultFrontDoorSdkOptions gives the same, for a sovereign cloud too', async () => {
    const china = await simulator.control.createVault({
      name: `fd-cn-${randomBytes(3).toString('hex')}`,
      tenantId,
      cloud: 'china',
    });
    await simulator.control.assignRole(china.name, clientId, ENCRYPTION_USER);
    const chinaKey = await simulator.control.createKey(china.name, { name: 'cmk' });
    expect(chinaKey.kid).toBe(`https://${china.name}.vault.azure.cn/keys/cmk/${chinaKey.version}`);
    const options = keyVaultFrontDoorSdkOptions(simulator);
    try {
      expect(options.clientOptions).not.toHaveProperty('disableChallengeResourceVerification');
      const chinaCredential = new ClientSecretCredential(
        tenantId,
        clientId,
        clientSecret,
        options.credentialOptions,
      );
      const fetched = await new KeyClient(china.vaultUrl, chinaCredential, options.clientOptions).getKey(
        'cmk',
      );
      expect(fetched.id).toBe(chinaKey.kid);
      const crypto = new CryptographyClient(fetched.id!, chinaCredential, options.clientOptions);
      const wrapped = await crypto.wrapKey('RSA-OAEP-256', randomBytes(32));
      expect(wrapped.keyID).toBe(chinaKey.kid);
    } finally {
      options.close();
    }
  });

  it('leaves an unknown vault unanswered, as a name that does not resolve', async () => {
    const nowhere = new KeyClient('https://no-such-vault-kv.vault.azure.net', credential(), {
      ...sdk(),
      retryOptions: { maxRetries: 0 },
    });
    await expect(nowhere.getKey('cmk')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await simulator.control.counters()).frontDoor.unknownHost).toBeGreaterThanOrEqual(1);
  });
});
