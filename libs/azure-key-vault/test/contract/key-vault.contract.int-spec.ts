import { constants, createPublicKey, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import {
  type KeyDescription,
  KeyVaultConnectionFactory,
  KeyVaultError,
  type KeyVaultKeyPort,
  type KeyVaultKeyTarget,
  KeyVaultUrlPolicy,
  type KeyValidationReport,
} from '@vault-backup/azure-key-vault';
import { Secret } from '@vault-backup/config';
import { JweSecretsDecryptor, encryptSecretsJwe } from '@vault-backup/crypto';
import {
  type KeyVaultKeyOperation,
  type KeyVaultSimulatorProcess,
  type SimulatedKeyVersion,
  type SimulatedVault,
  startKeyVaultSimulatorProcess,
} from '@vault-backup/testing';

/**
 * One set of behaviours the Key Vault adapter relies on, run against (a) the Key Vault + Entra ID
 * simulator in a child process and (b) a real vault when AZURE_* variables say which. A behaviour
 * that passes on (b) and fails on (a) is a simulator bug; the reverse is a wrong assumption in the
 * adapter or the reference. Behaviours that need staging (roles, key attributes, faults) run against
 * the simulator only.
 */

interface ContractTarget {
  readonly factory: KeyVaultConnectionFactory;
  /** An enabled RSA 4096 key the service principal may get, wrap and unwrap. */
  readonly target: KeyVaultKeyTarget;
  /** A well-formed vault URL that is not the target's (for untrusted kids). */
  readonly otherVaultUrl: string;
}

const runId = randomBytes(4).toString('hex');

/**
 * Request timeout of the fault tests. Short on purpose: the SDK's HTTP client leaves its request
 * timer running when a connection fails (reset, refused), which would keep jest waiting that long.
 */
const IMPATIENT_MS = 800;

const REAL_VAULT_VARIABLES = [
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_KEY_VAULT_URL',
  'AZURE_KEY_NAME',
] as const;

async function failure(promise: Promise<unknown>): Promise<KeyVaultError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof KeyVaultError)) throw new Error(`expected a KeyVaultError, got ${String(error)}`);
  return error;
}

function statuses(report: KeyValidationReport): Record<string, string> {
  return Object.fromEntries(
    report.checks.map((check) => [
      check.name,
      check.status === 'failed' ? `failed:${check.problem}` : check.status,
    ]),
  );
}

/**
 * The simulator's loopback listener of a vault or key. Newer simulators also serve vaults under their
 * Azure host names through a front door (`vaultUrl`, `kid`) and name the loopback forms `directUrl`
 * and `directKid`; older ones have only the loopback forms, as `vaultUrl` and `kid`.
 */
const direct = {
  url: (vault: SimulatedVault): string =>
    (vault as SimulatedVault & { directUrl?: string }).directUrl ?? vault.vaultUrl,
  kid: (version: SimulatedKeyVersion): string =>
    (version as SimulatedKeyVersion & { directKid?: string }).directKid ?? version.kid,
};

/** What the JWE producer does: RSA-OAEP-256 with the key's public half. */
function wrapWithPublicKey(key: KeyDescription, bytes: Uint8Array): Buffer {
  const publicKey = createPublicKey({ key: { ...key.publicJwk! }, format: 'jwk' });
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    bytes,
  );
}

/**
 * The behaviours every Key Vault, real or simulated, must show. `eventKids`: whether the vault's kids
 * pass the event contract's JWE `kid` rule, which names `*.vault.azure.net` only (not a loopback
 * simulator, nor the sovereign clouds).
 */
function sharedContract(get: () => ContractTarget, options: { eventKids: boolean }): void {
  let port: KeyVaultKeyPort;
  let key: KeyDescription;

  beforeAll(async () => {
    port = get().factory.forKey(get().target);
    key = await port.describeKey();
  });

  it('validates the key: every check passes', async () => {
    const report = await get().factory.validate(get().target);
    expect(statuses(report)).toEqual({
      'vault-url': 'passed',
      authentication: 'passed',
      'vault-reachable': 'passed',
      'key-found': 'passed',
      'key-enabled': 'passed',
      'key-dates': 'passed',
      'key-type': 'passed',
      'key-size': 'passed',
      'key-operations': 'passed',
      'wrap-permitted': 'passed',
      'unwrap-permitted': 'passed',
      'round-trip': 'passed',
    });
    expect(report.outcome).toBe('passed');
    expect(report.key?.kid).toBe(key.kid);
  });

  it('describes the current version: versioned kid under the configured key, RSA 4096, wrap and unwrap', () => {
    expect(key.kid.startsWith(`${port.keyIdPrefix}/`)).toBe(true);
    expect(key.version).toMatch(/^[0-9a-f]{32}$/);
    expect(['RSA', 'RSA-HSM']).toContain(key.kty);
    expect(key.sizeBits).toBe(4096);
    expect(Buffer.from(key.publicJwk!.n, 'base64url')).toHaveLength(512);
    expect(key.keyOps).toEqual(expect.arrayContaining(['wrapKey', 'unwrapKey']));
    expect(key.enabled).toBe(true);
  });

  it('wraps remotely with the current version and unwraps back to the same bytes', async () => {
    const dataKey = randomBytes(32);
    const { kid, wrapped } = await port.wrapKey(dataKey);
    expect(kid).toBe(key.kid);
    expect(Buffer.from(await port.unwrapKey(kid, 'RSA-OAEP-256', wrapped)).equals(dataKey)).toBe(true);
  });

  it('unwraps what was wrapped locally with the public key (the JWE producer path)', async () => {
    const cek = randomBytes(32);
    const unwrapped = await port.unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, cek));
    expect(Buffer.from(unwrapped).equals(cek)).toBe(true);
  });

  (options.eventKids ? it : it.skip)(
    "decrypts an event's encryptedSecrets JWE made for the key (JweSecretsDecryptor over this port)",
    async () => {
      const publicKey = createPublicKey({ key: { ...key.publicJwk! }, format: 'jwk' });
      const jwe = await encryptSecretsJwe(
        { password: `pw-${runId}`, backupCodes: ['one', 'two'] },
        { kid: key.kid, publicKey },
      );
      const decryptor = new JweSecretsDecryptor(port, { trustedKeyIds: [port.keyIdPrefix] });
      const secrets = await decryptor.decrypt(jwe);
      expect(secrets.password?.reveal()).toBe(`pw-${runId}`);
      expect(secrets.backupCodes?.reveal()).toEqual(['one', 'two']);
    },
  );

  it('refuses a tampered wrapped key as unwrap-refused, permanent', async () => {
    const wrapped = wrapWithPublicKey(key, randomBytes(32));
    wrapped[17] ^= 0x40;
    expect(await failure(port.unwrapKey(key.kid, 'RSA-OAEP-256', wrapped))).toMatchObject({
      problem: 'unwrap-refused',
      errorClass: 'secret-decryption-failed',
      retriable: false,
    });
  });

  it('reports an unknown key version as key-not-found, permanent', async () => {
    const unknown = `${port.keyIdPrefix}/${randomBytes(16).toString('hex')}`;
    expect(
      await failure(port.unwrapKey(unknown, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32)))),
    ).toMatchObject({
      problem: 'key-not-found',
      errorClass: 'secret-decryption-failed',
    });
  });

  it.each([
    ['another vault', () => `${get().otherVaultUrl}/keys/${get().target.keyName}/${key.version}`],
    ['another key of the vault', () => `${port.keyIdPrefix}-other/${key.version}`],
    ['no version', () => port.keyIdPrefix],
  ])('refuses a kid of %s as kid-not-trusted', async (_why, kid) => {
    expect(await failure(port.unwrapKey(kid(), 'RSA-OAEP-256', randomBytes(512)))).toMatchObject({
      problem: 'kid-not-trusted',
      retriable: false,
    });
  });

  it('reports a missing key name as key-not-found', async () => {
    const missing = { ...get().target, keyName: `vb-contract-missing-${runId}` };
    expect(await failure(get().factory.forKey(missing).describeKey())).toMatchObject({
      problem: 'key-not-found',
    });
    expect(statuses(await get().factory.validate(missing))).toMatchObject({
      'vault-reachable': 'passed',
      'key-found': 'failed:key-not-found',
      'key-enabled': 'skipped',
    });
  });

  it('reports a wrong client secret as authentication-failed: access revoked, retriable', async () => {
    const { target } = get();
    if (target.credential.kind !== 'client-secret')
      throw new Error('the contract target uses a client secret');
    const wrong: KeyVaultKeyTarget = {
      ...target,
      credential: { ...target.credential, clientSecret: new Secret(`vb-contract-wrong-${runId}`) },
    };
    const report = await get().factory.validate(wrong);
    expect(statuses(report)).toMatchObject({
      authentication: 'failed:authentication-failed',
      'key-found': 'skipped',
    });
    expect(report.checks[1]?.fix).toContain('client secret');
    const error = await failure(get().factory.forKey(wrong).describeKey());
    expect(error).toMatchObject({
      problem: 'authentication-failed',
      errorClass: 'key-access-revoked',
      retriable: true,
    });
    expect(error.message).not.toContain(`vb-contract-wrong-${runId}`);
  });
}

// ------------------------------------------------------------------------------------------------
// (a) the simulator

describe('Key Vault adapter contract — simulator', () => {
  let simulator: KeyVaultSimulatorProcess;
  let factory: KeyVaultConnectionFactory;
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = new Secret(`sim-${runId}-${randomBytes(8).toString('hex')}`);
  const credential = { kind: 'client-secret' as const, tenantId, clientId, clientSecret };
  const vaultName = 'vb-contract';
  let vaultUrl: string;
  let otherVaultUrl: string;
  let keyCount = 0;

  const target = (keyName: string, overrides: Partial<KeyVaultKeyTarget> = {}): KeyVaultKeyTarget => ({
    vaultUrl,
    keyName,
    credential,
    ...overrides,
  });

  /** A fresh key in the contract vault; 2048 bits unless the size matters (4096 keys take a while to make). */
  async function newKey(
    input: {
      size?: 2048 | 4096;
      kty?: 'RSA' | 'EC';
      enabled?: boolean;
      nbf?: Date;
      exp?: Date;
      keyOps?: KeyVaultKeyOperation[];
    } = {},
  ): Promise<{ name: string; kid: string; port: KeyVaultKeyPort }> {
    const name = `k${++keyCount}-${runId}`;
    const created = await simulator.control.createKey(vaultName, {
      name,
      kty: input.kty ?? 'RSA',
      ...(input.kty === 'EC' ? {} : { size: input.size ?? 2048 }),
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...(input.nbf === undefined ? {} : { nbf: input.nbf }),
      ...(input.exp === undefined ? {} : { exp: input.exp }),
      ...(input.keyOps === undefined ? {} : { keyOps: input.keyOps }),
    });
    return { name, kid: direct.kid(created), port: factory.forKey(target(name)) };
  }

  function simulatorFactory(overrides: { requestTimeoutMs?: number } = {}): KeyVaultConnectionFactory {
    return new KeyVaultConnectionFactory({
      urlPolicy: new KeyVaultUrlPolicy({ allowInsecureLoopback: true }),
      authorityHost: simulator.authorityHost,
      extraCaPem: simulator.caPem,
      requestTimeoutMs: overrides.requestTimeoutMs ?? 2_000,
      operationTimeoutMs: 10_000,
    });
  }

  beforeAll(async () => {
    simulator = await startKeyVaultSimulatorProcess();
    await simulator.control.registerApp(tenantId, clientId, clientSecret);
    vaultUrl = direct.url(await simulator.control.createVault({ name: vaultName, tenantId }));
    otherVaultUrl = direct.url(await simulator.control.createVault({ name: 'vb-contract-other', tenantId }));
    await simulator.control.assignRole(vaultName, clientId, 'Key Vault Crypto Service Encryption User');
    await simulator.control.createKey(vaultName, { name: 'cmk', kty: 'RSA', size: 4096 });
    factory = simulatorFactory();
  }, 60_000);

  afterAll(async () => {
    factory?.close();
    await simulator?.stop();
  });

  afterEach(async () => {
    await simulator.control.clearVaultFaults(vaultName);
    await simulator.control.clearEntraFaults();
  });

  sharedContract(() => ({ factory, target: target('cmk'), otherVaultUrl }), { eventKids: false });

  describe('key attributes', () => {
    it('RSA 2048: validation fails key-size only (the live checks still pass)', async () => {
      const { name, port } = await newKey({ size: 2048 });
      expect((await port.describeKey()).sizeBits).toBe(2048);
      const report = await factory.validate(target(name));
      expect(statuses(report)).toMatchObject({
        'key-size': 'failed:key-size',
        'wrap-permitted': 'passed',
        'round-trip': 'passed',
      });
      expect(report.checks.filter((check) => check.status !== 'passed').map((check) => check.name)).toEqual([
        'key-size',
      ]);
    });

    it('an EC key: key-type fails; wrap and unwrap are refused as key-not-rsa', async () => {
      const { name, kid, port } = await newKey({ kty: 'EC' });
      expect(statuses(await factory.validate(target(name)))).toMatchObject({
        'key-type': 'failed:key-not-rsa',
        'key-size': 'skipped',
        'wrap-permitted': 'skipped',
      });
      expect((await failure(port.wrapKey(randomBytes(32)))).problem).toBe('key-not-rsa');
      expect(await failure(port.unwrapKey(kid, 'RSA-OAEP-256', randomBytes(256)))).toMatchObject({
        problem: 'key-not-rsa',
        errorClass: 'secret-decryption-failed',
      });
    });

    it('a disabled key: key-enabled fails; unwrap is key-disabled, access revoked and retriable', async () => {
      const { name, kid, port } = await newKey({ enabled: false });
      expect(statuses(await factory.validate(target(name)))).toMatchObject({
        'key-found': 'passed',
        'key-enabled': 'failed:key-disabled',
        'wrap-permitted': 'skipped',
      });
      expect(await failure(port.unwrapKey(kid, 'RSA-OAEP-256', randomBytes(256)))).toMatchObject({
        problem: 'key-disabled',
        errorClass: 'key-access-revoked',
        retriable: true,
      });
      expect((await failure(port.wrapKey(randomBytes(32)))).problem).toBe('key-disabled');
    });

    it('a key disabled after use: the next unwrap asks the vault and is refused (no local fallback)', async () => {
      const { name, kid, port } = await newKey();
      const described = await port.describeKey();
      const wrapped = wrapWithPublicKey(described, randomBytes(32));
      await port.unwrapKey(kid, 'RSA-OAEP-256', wrapped);
      await port.wrapKey(randomBytes(32));
      await simulator.control.updateKey(vaultName, name, { enabled: false });
      expect((await failure(port.unwrapKey(kid, 'RSA-OAEP-256', wrapped))).problem).toBe('key-disabled');
      expect((await failure(port.wrapKey(randomBytes(32)))).problem).toBe('key-disabled');
    });

    it.each([false, true])(
      'a disabled key refuses unwrap and wrap whether or not Key Vault lets public operations through (lenient: %s)',
      async (lenient) => {
        await simulator.control.setSwitches({ disabledKeyAllowsPublicOps: lenient });
        try {
          const { name, kid, port } = await newKey();
          const described = await port.describeKey();
          await simulator.control.updateKey(vaultName, name, { enabled: false });
          const wrapped = wrapWithPublicKey(described, randomBytes(32));
          expect((await failure(port.unwrapKey(kid, 'RSA-OAEP-256', wrapped))).problem).toBe('key-disabled');
          expect((await failure(port.wrapKey(randomBytes(32)))).problem).toBe('key-disabled');
        } finally {
          await simulator.control.setSwitches({ disabledKeyAllowsPublicOps: false });
        }
      },
    );

    it('an expired key still unwraps; validation reports key-dates, wrap is refused as key-expired', async () => {
      const { name, kid, port } = await newKey({ exp: new Date(Date.now() - 3_600_000) });
      const described = await port.describeKey();
      const cek = randomBytes(32);
      expect(
        Buffer.from(await port.unwrapKey(kid, 'RSA-OAEP-256', wrapWithPublicKey(described, cek))).equals(cek),
      ).toBe(true);
      expect(statuses(await factory.validate(target(name)))).toMatchObject({
        'key-dates': 'failed:key-expired',
        'wrap-permitted': 'skipped',
        'unwrap-permitted': 'passed',
      });
      expect(await failure(port.wrapKey(randomBytes(32)))).toMatchObject({
        problem: 'key-expired',
        errorClass: 'key-access-revoked',
      });
    });

    it('a key that expires after the adapter used it still unwraps (nothing was fetched to refuse locally)', async () => {
      const { name, kid, port } = await newKey();
      const described = await port.describeKey();
      await port.unwrapKey(kid, 'RSA-OAEP-256', wrapWithPublicKey(described, randomBytes(32)));
      await simulator.control.updateKey(vaultName, name, { exp: new Date(Date.now() - 60_000) });
      const cek = randomBytes(32);
      expect(
        Buffer.from(await port.unwrapKey(kid, 'RSA-OAEP-256', wrapWithPublicKey(described, cek))).equals(cek),
      ).toBe(true);
    });

    it('a key not valid yet still unwraps; validation reports key-not-yet-valid', async () => {
      const { name, kid, port } = await newKey({ nbf: new Date(Date.now() + 86_400_000) });
      const described = await port.describeKey();
      const cek = randomBytes(32);
      expect(
        Buffer.from(await port.unwrapKey(kid, 'RSA-OAEP-256', wrapWithPublicKey(described, cek))).equals(cek),
      ).toBe(true);
      expect(statuses(await factory.validate(target(name)))['key-dates']).toBe('failed:key-not-yet-valid');
    });

    it('key_ops without wrapKey: key-operations fails; wrap is operation-not-permitted', async () => {
      const { name, port } = await newKey({ keyOps: ['unwrapKey'] });
      expect(statuses(await factory.validate(target(name)))).toMatchObject({
        'key-operations': 'failed:operation-not-permitted',
        'wrap-permitted': 'skipped',
        'unwrap-permitted': 'passed',
      });
      expect(await failure(port.wrapKey(randomBytes(32)))).toMatchObject({
        problem: 'operation-not-permitted',
        errorClass: 'key-access-revoked',
      });
    });

    it('after a rotation: the current version changes and the old version still unwraps', async () => {
      const { name, kid, port } = await newKey();
      const before = await port.describeKey();
      const cek = randomBytes(32);
      const wrappedBefore = wrapWithPublicKey(before, cek);
      const rotated = await simulator.control.rotateKey(vaultName, name);
      const after = await port.describeKey();
      expect(after.kid).toBe(direct.kid(rotated));
      expect(after.kid).not.toBe(kid);
      expect((await port.wrapKey(randomBytes(32))).kid).toBe(direct.kid(rotated));
      expect(Buffer.from(await port.unwrapKey(kid, 'RSA-OAEP-256', wrappedBefore)).equals(cek)).toBe(true);
    });
  });

  describe('roles', () => {
    const otherClient = randomUUID();
    const otherSecret = new Secret(`sim-other-${runId}`);
    const as = (keyName: string): KeyVaultKeyTarget =>
      target(keyName, {
        credential: { kind: 'client-secret', tenantId, clientId: otherClient, clientSecret: otherSecret },
      });

    beforeAll(async () => {
      await simulator.control.registerApp(tenantId, otherClient, otherSecret);
    });

    afterEach(async () => {
      await simulator.control.removeRole(vaultName, otherClient).catch(() => undefined);
    });

    it('no role: key-found fails with forbidden and the role to assign; unwrap is forbidden, retriable', async () => {
      const report = await factory.validate(as('cmk'));
      expect(statuses(report)).toMatchObject({ 'key-found': 'failed:forbidden', 'key-enabled': 'skipped' });
      expect(report.checks.find((check) => check.name === 'key-found')?.fix).toContain(
        'Key Vault Crypto Service Encryption User',
      );
      const key = await factory.forKey(target('cmk')).describeKey();
      expect(
        await failure(
          factory
            .forKey(as('cmk'))
            .unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32))),
        ),
      ).toMatchObject({
        problem: 'forbidden',
        errorClass: 'key-access-revoked',
        retriable: true,
        vaultCode: 'Forbidden/ForbiddenByRbac',
      });
    });

    it('Key Vault Reader: the key is read, but wrap and unwrap are forbidden', async () => {
      await simulator.control.assignRole(vaultName, otherClient, 'Key Vault Reader');
      expect(statuses(await factory.validate(as('cmk')))).toMatchObject({
        'key-found': 'passed',
        'key-operations': 'passed',
        'wrap-permitted': 'failed:forbidden',
        'unwrap-permitted': 'failed:forbidden',
        'round-trip': 'skipped',
      });
    });

    it('Key Vault Crypto User is enough too', async () => {
      await simulator.control.assignRole(vaultName, otherClient, 'Key Vault Crypto User');
      expect((await factory.validate(as('cmk'))).outcome).toBe('passed');
    });
  });

  describe('identity', () => {
    it('a vault of another tenant than the service principal: tenant-mismatch', async () => {
      const foreignTenant = randomUUID();
      const foreignClient = randomUUID();
      await simulator.control.registerApp(foreignTenant, foreignClient, new Secret('foreign-secret'));
      const foreign = target('cmk', {
        credential: {
          kind: 'client-secret',
          tenantId: foreignTenant,
          clientId: foreignClient,
          clientSecret: new Secret('foreign-secret'),
        },
      });
      expect(await failure(factory.forKey(foreign).describeKey())).toMatchObject({
        problem: 'tenant-mismatch',
        errorClass: 'key-access-revoked',
      });
      expect(statuses(await factory.validate(foreign)).authentication).toBe('failed:tenant-mismatch');
    });

    it('an unknown application: authentication-failed', async () => {
      const unknown = target('cmk', { credential: { ...credential, clientId: randomUUID() } });
      expect((await failure(factory.forKey(unknown).describeKey())).problem).toBe('authentication-failed');
    });

    it('an unknown tenant: authentication fails before the vault is asked', async () => {
      const unknown = target('cmk', { credential: { ...credential, tenantId: randomUUID() } });
      expect(statuses(await factory.validate(unknown))).toMatchObject({
        authentication: 'failed:authentication-failed',
        'vault-reachable': 'skipped',
      });
    });

    it.each([
      ['the token endpoint answers 503', { type: 'error', status: 503, operation: 'token' }],
      ['discovery answers 503', { type: 'error', status: 503, operation: 'discovery' }],
      ['the token endpoint hangs', { type: 'hang', operation: 'token' }],
      ['the token endpoint resets', { type: 'reset', operation: 'token' }],
    ] as const)('%s: identity-unavailable, transient', async (_why, fault) => {
      const fresh = simulatorFactory({ requestTimeoutMs: IMPATIENT_MS });
      try {
        await simulator.control.addEntraFault({ ...fault, count: 1 });
        expect(await failure(fresh.forKey(target('cmk')).describeKey())).toMatchObject({
          problem: 'identity-unavailable',
          errorClass: 'key-vault-unavailable',
          retriable: true,
        });
      } finally {
        fresh.close();
        await simulator.control.dropHeldRequests();
      }
    });
  });

  describe('vault faults (no SDK retries: the service owns retrying)', () => {
    let port: KeyVaultKeyPort;
    let key: KeyDescription;

    beforeAll(async () => {
      port = factory.forKey(target('cmk'));
      key = await port.describeKey();
    });

    const unwrapCalls = async (): Promise<number> =>
      (await simulator.control.counters()).vaults[vaultName]?.unwrapKey ?? 0;
    const unwrap = () => port.unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32)));

    it('throttled with Retry-After: throttled with retryAfterMs, after exactly one call', async () => {
      await simulator.control.addVaultFault(vaultName, {
        type: 'throttle',
        retryAfterSeconds: 7,
        operation: 'unwrapKey',
        count: 1,
      });
      const before = await unwrapCalls();
      expect(await failure(unwrap())).toMatchObject({
        problem: 'throttled',
        errorClass: 'key-vault-unavailable',
        retriable: true,
        retryAfterMs: 7_000,
        status: 429,
      });
      expect((await unwrapCalls()) - before).toBe(1);
      await expect(unwrap()).resolves.toHaveLength(32);
    });

    it('throttled without Retry-After: throttled without retryAfterMs, after exactly one call', async () => {
      await simulator.control.addVaultFault(vaultName, {
        type: 'throttle',
        operation: 'unwrapKey',
        count: 1,
      });
      const before = await unwrapCalls();
      const error = await failure(unwrap());
      expect(error).toMatchObject({ problem: 'throttled', retriable: true });
      expect(error.retryAfterMs).toBeUndefined();
      expect((await unwrapCalls()) - before).toBe(1);
    });

    it.each([500, 502, 503, 504])('HTTP %i: service-unavailable, transient', async (status) => {
      await simulator.control.addVaultFault(vaultName, {
        type: 'error',
        status,
        operation: 'unwrapKey',
        count: 1,
      });
      expect(await failure(unwrap())).toMatchObject({
        problem: 'service-unavailable',
        errorClass: 'key-vault-unavailable',
        status,
      });
    });

    it('a hang: timeout after the request timeout, transient', async () => {
      const impatient = simulatorFactory({ requestTimeoutMs: IMPATIENT_MS });
      try {
        const slowPort = impatient.forKey(target('cmk'));
        await slowPort.describeKey();
        await simulator.control.addVaultFault(vaultName, { type: 'hang', operation: 'unwrapKey', count: 1 });
        const started = Date.now();
        const error = await failure(
          slowPort.unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32))),
        );
        expect(error).toMatchObject({
          problem: 'timeout',
          errorClass: 'key-vault-unavailable',
          retriable: true,
        });
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        impatient.close();
        await simulator.control.dropHeldRequests();
      }
    });

    it('a reset connection: vault-unreachable, transient', async () => {
      const impatient = simulatorFactory({ requestTimeoutMs: IMPATIENT_MS });
      try {
        const resetPort = impatient.forKey(target('cmk'));
        await resetPort.describeKey();
        await simulator.control.addVaultFault(vaultName, { type: 'reset', operation: 'unwrapKey', count: 1 });
        expect(
          await failure(
            resetPort.unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32))),
          ),
        ).toMatchObject({ problem: 'vault-unreachable', errorClass: 'key-vault-unavailable' });
      } finally {
        impatient.close();
      }
    });

    it('a vault that no longer listens: vault-unreachable', async () => {
      const gone = await simulator.control.createVault({ name: `vb-gone-${runId}`.slice(0, 24), tenantId });
      await simulator.control.deleteVault(gone.name);
      const impatient = simulatorFactory({ requestTimeoutMs: IMPATIENT_MS });
      try {
        const error = await failure(
          impatient.forKey(target('cmk', { vaultUrl: direct.url(gone) })).describeKey(),
        );
        expect(error).toMatchObject({ problem: 'vault-unreachable', retriable: true });
      } finally {
        impatient.close();
      }
    });
  });

  describe('connections', () => {
    it('reuses one token and one challenge for many calls of one key', async () => {
      const fresh = simulatorFactory();
      try {
        const port = fresh.forKey(target('cmk'));
        const before = await simulator.control.counters();
        const key = await port.describeKey();
        for (let i = 0; i < 5; i += 1)
          await port.unwrapKey(key.kid, 'RSA-OAEP-256', wrapWithPublicKey(key, randomBytes(32)));
        const after = await simulator.control.counters();
        expect(after.entra.token - before.entra.token).toBe(1);
        // One challenge for the KeyClient, one for the version's CryptographyClient.
        expect((after.vaults[vaultName]?.challenge ?? 0) - (before.vaults[vaultName]?.challenge ?? 0)).toBe(
          2,
        );
      } finally {
        fresh.close();
      }
    });

    it('refuses the simulator without the explicit loopback switch', async () => {
      const strict = new KeyVaultConnectionFactory({
        authorityHost: simulator.authorityHost,
        extraCaPem: simulator.caPem,
      });
      try {
        const report = await strict.validate(target('cmk'));
        expect(statuses(report)['vault-url']).toBe('failed:url-not-allowed');
      } finally {
        strict.close();
      }
    });
  });
});

// ------------------------------------------------------------------------------------------------
// (b) a real vault

const missing = REAL_VAULT_VARIABLES.filter((name) => !process.env[name]);
const describeReal = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) {
  console.info(`Key Vault adapter contract, real vault variant skipped: ${missing.join(', ')} not set`);
}

describeReal('Key Vault adapter contract — real Azure Key Vault', () => {
  const env = (name: (typeof REAL_VAULT_VARIABLES)[number]): string => process.env[name] ?? '';
  let factory: KeyVaultConnectionFactory;

  beforeAll(() => {
    factory = new KeyVaultConnectionFactory();
  });

  afterAll(() => factory?.close());

  sharedContract(
    () => ({
      factory,
      target: {
        vaultUrl: env('AZURE_KEY_VAULT_URL'),
        keyName: env('AZURE_KEY_NAME'),
        credential: {
          kind: 'client-secret',
          tenantId: env('AZURE_TENANT_ID'),
          clientId: env('AZURE_CLIENT_ID'),
          clientSecret: new Secret(env('AZURE_CLIENT_SECRET')),
        },
      },
      otherVaultUrl: `https://vb-contract-${runId}.vault.azure.net`,
    }),
    { eventKids: isPublicCloudVault(env('AZURE_KEY_VAULT_URL')) },
  );
});

function isPublicCloudVault(raw: string): boolean {
  try {
    return new KeyVaultUrlPolicy().resolve(raw).cloud?.name === 'public';
  } catch {
    // An address the policy refuses fails the contract's own checks; no JWE test is worth adding to that.
    return false;
  }
}
