import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Secret } from '@vault-backup/config';
import {
  CcpClient,
  CyberArkAccountNotFoundError,
  CyberArkAuthError,
  CyberArkClient,
  type CyberArkClientOptions,
  CyberArkInvalidPropertyError,
  CyberArkPlatformNotFoundError,
  CyberArkSafeNotFoundError,
  CyberArkUnavailableError,
  type NewCyberArkAccount,
  type TenantConnection,
  isCyberArkError,
} from '@vault-backup/cyberark';
import { FULL_SAFE_PERMISSIONS, type SimulatorProcess, startSimulatorProcess } from '@vault-backup/testing';

/**
 * One set of behaviours the CyberArk client relies on, run against (a) the simulator in a child
 * process and (b) a real Privilege Cloud tenant when CYBERARK_* variables say which. A behaviour
 * that passes on (b) and fails on (a) is a simulator bug; the reverse is a wrong assumption in the
 * client or the reference. Behaviours that need fault injection run against the simulator only.
 */

interface ContractTarget {
  readonly connection: TenantConnection;
  readonly safe: string;
  readonly platformId: string;
  readonly options: CyberArkClientOptions;
  /** The secret as stored by the vault; only the simulator can tell. */
  readonly storedSecret?: (accountId: string) => Promise<string>;
}

const runId = randomBytes(4).toString('hex');
let nameCounter = 0;
const contractName = (): string => `vb-contract-${runId}-${++nameCounter}`;

const REAL_TENANT_VARIABLES = [
  'CYBERARK_IDENTITY_URL',
  'CYBERARK_PRIVILEGE_CLOUD_URL',
  'CYBERARK_CLIENT_ID',
  'CYBERARK_CLIENT_SECRET',
  'CYBERARK_SAFE',
  'CYBERARK_PLATFORM_ID',
] as const;

const SIM_TENANT = 'contract';
const SIM_CLIENT_ID = 'vb-contract@cyberark.cloud.1312';
const SIM_CLIENT_SECRET = `sim-secret-${runId}`;
const SIM_SAFE = 'DR-Backup';
const SIM_PLATFORM = 'WinDomain';

/** The behaviours every Privilege Cloud, real or simulated, must show. */
function sharedContract(target: () => ContractTarget): void {
  let client: CyberArkClient;
  const created: string[] = [];

  beforeAll(() => {
    client = new CyberArkClient(target().connection, target().options);
  });

  afterAll(async () => {
    for (const id of created) {
      await client.deleteAccount(id).catch((error: unknown) => {
        if (!(error instanceof CyberArkAccountNotFoundError)) throw error;
      });
    }
    client.dispose();
  });

  const account = (overrides: Partial<NewCyberArkAccount> = {}): NewCyberArkAccount => ({
    name: contractName(),
    safeName: target().safe,
    platformId: target().platformId,
    address: 'vb-contract.invalid',
    userName: 'vb-contract-user',
    secret: new Secret(`Pw-${randomBytes(12).toString('base64url')}`),
    secretManagement: {
      automaticManagementEnabled: false,
      manualManagementReason: 'vault-backup contract test',
    },
    ...overrides,
  });

  const add = async (input: NewCyberArkAccount) => {
    const result = await client.addAccount(input);
    created.push(result.account.id);
    return result;
  };

  it('reads the backup Safe', async () => {
    await expect(client.getSafe(target().safe)).resolves.toMatchObject({ safeName: target().safe });
  });

  it('reports a missing Safe as safe-not-found', async () => {
    await expect(client.getSafe(`vb-contract-missing-${runId}`)).rejects.toBeInstanceOf(
      CyberArkSafeNotFoundError,
    );
  });

  it('lists Safe members with every permission key', async () => {
    const members = await client.listSafeMembers(target().safe);
    expect(members.length).toBeGreaterThan(0);
    expect(Object.keys(members[0].permissions)).toContain('addAccounts');
  });

  it('finds the platform by exact id, with its property names', async () => {
    const platform = await client.getPlatform(target().platformId);
    expect(platform.id).toBe(target().platformId);
    expect(Array.isArray(platform.requiredProperties)).toBe(true);
  });

  it('reports an unknown platform as platform-not-found', async () => {
    await expect(client.getPlatform(`vb-contract-no-platform-${runId}`)).rejects.toBeInstanceOf(
      CyberArkPlatformNotFoundError,
    );
  });

  it('creates an account, returns it without its secret, and finds it by exact name', async () => {
    const input = account();
    const result = await add(input);
    expect(result.created).toBe(true);
    expect(result.account).toMatchObject({
      name: input.name,
      safeName: input.safeName,
      platformId: input.platformId,
    });
    expect(JSON.stringify(result)).not.toContain(input.secret?.reveal());
    await expect(client.findAccountByName(input.safeName, input.name)).resolves.toMatchObject({
      id: result.account.id,
    });
    await expect(client.getAccount(result.account.id)).resolves.toMatchObject({ name: input.name });
    await expect(client.findAccountByName(input.safeName, `${input.name}-not-there`)).resolves.toBeNull();
    if (target().storedSecret)
      await expect(target().storedSecret!(result.account.id)).resolves.toBe(input.secret?.reveal());
  });

  it('answers a second create of the same name with the existing account', async () => {
    const input = account();
    const first = await add(input);
    const second = await client.addAccount({ ...input, secret: new Secret('another-secret-value') });
    expect(second).toEqual({ created: false, account: expect.objectContaining({ id: first.account.id }) });
  });

  it('patches top-level fields and answers with the updated account', async () => {
    const { account: stored } = await add(account());
    const updated = await client.updateAccount(stored.id, [
      { op: 'replace', path: '/address', value: 'vb-contract-2.invalid' },
    ]);
    expect(updated.address).toBe('vb-contract-2.invalid');
  });

  it('updates the secret in the vault', async () => {
    const { account: stored } = await add(account());
    const secret = new Secret(`Pw-${randomBytes(12).toString('base64url')}`);
    await client.updateSecret(stored.id, secret);
    if (target().storedSecret) await expect(target().storedSecret!(stored.id)).resolves.toBe(secret.reveal());
  });

  it('lists the accounts of the Safe', async () => {
    const { account: stored } = await add(account());
    const ids: string[] = [];
    for await (const listed of client.listAccounts(target().safe)) ids.push(listed.id);
    expect(ids).toContain(stored.id);
  });

  it('refuses a platform property the platform does not define', async () => {
    const input = account({ platformAccountProperties: { vbContractUndefinedProperty: 'x' } });
    const error = await client.addAccount(input).catch((caught: unknown) => caught);
    if (!isCyberArkError(error)) created.push((error as { account: { id: string } }).account.id);
    expect(error).toBeInstanceOf(CyberArkInvalidPropertyError);
  });

  it('refuses an account for a Safe that does not exist', async () => {
    await expect(
      client.addAccount(account({ safeName: `vb-contract-missing-${runId}` })),
    ).rejects.toBeInstanceOf(CyberArkSafeNotFoundError);
  });

  it('deletes an account it created', async () => {
    const { account: stored } = await add(account());
    await client.deleteAccount(stored.id);
    await expect(client.findAccountByName(target().safe, stored.name)).resolves.toBeNull();
  });
}

const missing = REAL_TENANT_VARIABLES.filter((name) => !process.env[name]);
const describeReal = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) {
  console.info(`CyberArk client contract, real tenant variant skipped: ${missing.join(', ')} not set`);
}

describeReal('CyberArk client contract — real Privilege Cloud tenant', () => {
  const env = (name: (typeof REAL_TENANT_VARIABLES)[number]): string => process.env[name] ?? '';
  sharedContract(() => ({
    connection: {
      identityUrl: env('CYBERARK_IDENTITY_URL'),
      privilegeCloudUrl: env('CYBERARK_PRIVILEGE_CLOUD_URL'),
      clientId: env('CYBERARK_CLIENT_ID'),
      clientSecret: new Secret(env('CYBERARK_CLIENT_SECRET')),
    },
    safe: env('CYBERARK_SAFE'),
    platformId: env('CYBERARK_PLATFORM_ID'),
    // Gentle with a shared tenant: few retries, and the breaker must not trip on a slow moment.
    options: { timeoutMs: 30_000, retry: { retries: 2 } },
  }));
});

describe('CyberArk client contract — simulator (child process)', () => {
  let simulator: SimulatorProcess;

  const connection = (): TenantConnection => ({
    identityUrl: simulator.identityUrl(SIM_TENANT),
    privilegeCloudUrl: simulator.pcloudUrl(SIM_TENANT),
    clientId: SIM_CLIENT_ID,
    clientSecret: new Secret(SIM_CLIENT_SECRET),
  });
  const FAST: CyberArkClientOptions = {
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 50 },
  };

  beforeAll(async () => {
    simulator = await startSimulatorProcess({ startTimeoutMs: 60_000 });
    const { control } = simulator;
    await control.reset();
    await control.putTenant(SIM_TENANT);
    await control.putServiceAccount(SIM_TENANT, SIM_CLIENT_ID, {
      clientSecret: new Secret(SIM_CLIENT_SECRET),
    });
    await control.putPlatform(SIM_TENANT, SIM_PLATFORM, {
      required: ['Address', 'Username'],
      optional: ['Port', 'LogonDomain'],
    });
    await control.putSafe(SIM_TENANT, SIM_SAFE, {
      members: [{ memberName: SIM_CLIENT_ID, permissions: FULL_SAFE_PERMISSIONS }],
    });
  }, 90_000);

  afterAll(async () => {
    await simulator?.stop();
  });

  describe('shared behaviours', () => {
    sharedContract(() => ({
      connection: connection(),
      safe: SIM_SAFE,
      platformId: SIM_PLATFORM,
      options: FAST,
      storedSecret: async (id) => (await simulator.control.getAccount(SIM_TENANT, id)).secret.reveal(),
    }));
  });

  describe('behaviours that need the simulator to misbehave', () => {
    let client: CyberArkClient;

    beforeEach(async () => {
      await simulator.control.clearFaults(SIM_TENANT);
      await simulator.control.updateBehaviour(SIM_TENANT, {
        duplicateNameStatus: 409,
        nextLinkCarriesQuery: true,
        tokenTtlSeconds: 3600,
      });
      await simulator.control.revokeTokens(SIM_TENANT);
      client = new CyberArkClient(connection(), FAST);
    });

    afterEach(() => {
      client.dispose();
    });

    const newAccount = (name = contractName()): NewCyberArkAccount => ({
      name,
      safeName: SIM_SAFE,
      platformId: SIM_PLATFORM,
      address: 'sim.invalid',
      userName: 'sim-user',
      secret: new Secret(`Pw-${randomBytes(8).toString('hex')}`),
    });

    /** The log's newest position: requests after it are the ones a test caused. */
    const latestCursor = async (): Promise<number> => {
      let cursor = 0;
      for (;;) {
        const page = await simulator.control.readRequests({ since: cursor });
        if (page.cursor === cursor) return cursor;
        cursor = page.cursor;
      }
    };

    const tokenRequestsSince = async (cursor: number): Promise<number> => {
      const { entries } = await simulator.control.readRequests({ since: cursor, tenant: SIM_TENANT });
      return entries.filter((entry) => entry.family === 'token').length;
    };

    it('fetches one token for 50 concurrent calls on a cold cache', async () => {
      const cursor = await latestCursor();
      await Promise.all(Array.from({ length: 50 }, () => client.getSafe(SIM_SAFE)));
      expect(await tokenRequestsSince(cursor)).toBe(1);
    });

    it('refreshes once after the vault revokes the token', async () => {
      await client.getSafe(SIM_SAFE);
      const cursor = await latestCursor();
      await simulator.control.revokeTokens(SIM_TENANT);
      await expect(client.getSafe(SIM_SAFE)).resolves.toMatchObject({ safeName: SIM_SAFE });
      expect(await tokenRequestsSince(cursor)).toBe(1);
    });

    it('waits out Retry-After on a 429', async () => {
      await client.getSafe(SIM_SAFE);
      await simulator.control.addFault(SIM_TENANT, {
        type: 'rate-limit',
        retryAfterSeconds: 1,
        families: ['safes'],
        count: 1,
      });
      const started = performance.now();
      await expect(client.getSafe(SIM_SAFE)).resolves.toMatchObject({ safeName: SIM_SAFE });
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    });

    it('retries 5xx answers and then succeeds', async () => {
      await simulator.control.addFault(SIM_TENANT, {
        type: 'http-error',
        status: 503,
        body: 'html',
        families: ['safes'],
        count: 2,
      });
      await expect(client.getSafe(SIM_SAFE)).resolves.toMatchObject({ safeName: SIM_SAFE });
    });

    it('reports the token endpoint being down as unavailable', async () => {
      await simulator.control.addFault(SIM_TENANT, { type: 'token-endpoint-down' });
      const error = await client.getSafe(SIM_SAFE).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CyberArkUnavailableError);
    });

    it('reports a service user that is not an OAuth confidential client as auth', async () => {
      const clientId = `not-confidential-${runId}@cyberark.cloud.1312`;
      await simulator.control.putServiceAccount(SIM_TENANT, clientId, {
        clientSecret: 'x-secret',
        isOauthConfidentialClient: false,
      });
      const other = new CyberArkClient(
        { ...connection(), clientId, clientSecret: new Secret('x-secret') },
        FAST,
      );
      const error = await other.getSafe(SIM_SAFE).catch((caught: unknown) => caught);
      other.dispose();
      expect(error).toBeInstanceOf(CyberArkAuthError);
    });

    it.each([409, 400] as const)(
      'resolves a duplicate-name race to one account (PASWS027E as %i)',
      async (status) => {
        await simulator.control.updateBehaviour(SIM_TENANT, { duplicateNameStatus: status });
        const input = newAccount();
        const second = new CyberArkClient(connection(), FAST);
        const results = await Promise.all([client.addAccount(input), second.addAccount(input)]);
        second.dispose();
        expect(results.map((result) => result.created).sort()).toEqual([false, true]);
        expect(results[0].account.id).toBe(results[1].account.id);
        expect(
          (await simulator.control.listAccounts(SIM_TENANT, { safeName: SIM_SAFE })).filter(
            (a) => a.name === input.name,
          ),
        ).toHaveLength(1);
      },
    );

    it('does not create twice when the create answer is lost', async () => {
      await simulator.control.addFault(SIM_TENANT, {
        type: 'delay-after-write',
        delayMs: 1_500,
        families: ['accounts'],
        methods: ['POST'],
        count: 1,
      });
      const input = newAccount();
      const impatient = new CyberArkClient(connection(), { ...FAST, timeoutMs: 300 });
      const result = await impatient.addAccount(input).finally(() => impatient.dispose());
      expect(result.account.name).toBe(input.name);
      expect(
        (await simulator.control.listAccounts(SIM_TENANT, { safeName: SIM_SAFE })).filter(
          (a) => a.name === input.name,
        ),
      ).toHaveLength(1);
    });

    it('pages past 1000 accounts, with or without the query carried in nextLink', async () => {
      const safe = `Paging-${runId}`;
      await simulator.control.putSafe(SIM_TENANT, safe, {
        members: [{ memberName: SIM_CLIENT_ID, permissions: FULL_SAFE_PERMISSIONS }],
      });
      for (let batch = 0; batch < 11; batch += 1) {
        await Promise.all(
          Array.from({ length: 100 }, (_unused, index) =>
            simulator.control.seedAccount(SIM_TENANT, {
              safeName: safe,
              platformId: SIM_PLATFORM,
              name: `bulk-${batch * 100 + index}`,
            }),
          ),
        );
      }
      for (const nextLinkCarriesQuery of [true, false]) {
        await simulator.control.updateBehaviour(SIM_TENANT, { nextLinkCarriesQuery });
        await expect(client.findAccountByName(safe, 'bulk-1099')).resolves.toMatchObject({
          name: 'bulk-1099',
          safeName: safe,
        });
        let count = 0;
        for await (const listed of client.listAccounts(safe)) {
          expect(listed.safeName).toBe(safe);
          count += 1;
        }
        expect(count).toBe(1_100);
      }
    });

    it('retrieves a secret from CCP over mutual TLS', async () => {
      const ccpUrl = simulator.ccpUrl();
      if (ccpUrl === undefined) throw new Error('the simulator was started without CCP');
      const input = newAccount();
      await client.addAccount(input);
      const certificate = await simulator.control.issueCcpClientCertificate('vb-contract-app');
      await simulator.control.putCcpApp(SIM_TENANT, `VaultBackup-${runId}`, {
        allowedSafes: [SIM_SAFE],
        clientCertificates: [{ fingerprint256: certificate.fingerprint256 }],
      });
      const ccp = new CcpClient({
        baseUrl: ccpUrl,
        cert: certificate.certPem,
        key: certificate.keyPem,
        ca: await simulator.control.ccpCaCertificate(),
      });
      try {
        const secret = await ccp.retrieveSecret({
          appId: `VaultBackup-${runId}`,
          safe: SIM_SAFE,
          object: input.name,
        });
        expect(secret.content.reveal()).toBe(input.secret?.reveal());
        await expect(
          ccp.retrieveSecret({ appId: `VaultBackup-${runId}`, safe: SIM_SAFE, object: 'no-such-object' }),
        ).rejects.toBeInstanceOf(CyberArkAccountNotFoundError);
      } finally {
        ccp.dispose();
      }
    });
  });
});
