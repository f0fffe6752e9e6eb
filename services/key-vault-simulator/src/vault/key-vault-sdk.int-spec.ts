import { randomBytes } from 'node:crypto';
import { isRestError } from '@azure/core-rest-pipeline';
import { AuthenticationRequiredError } from '@azure/identity';
import {
  type App,
  type Harness,
  type VaultAddress,
  cryptoBody,
  startHarness,
} from '../../test/simulator-harness';

const ENCRYPTION_USER = 'Key Vault Crypto Service Encryption User';
const API = 'api-version=7.5';

interface KeyView {
  name: string;
  version: string;
  /** Azure's form, served by the front door. */
  kid: string;
  /** The vault's loopback listener's form. */
  directKid: string;
}

const FRONT_DOOR = 'the front door (https://<vault>.vault.azure.net)';
const ENTRANCES = [FRONT_DOOR, 'the vault’s loopback listener (https://127.0.0.1:<port>)'];
interface Counters {
  vaults: Record<string, Record<string, number>>;
}

/** The RestError the SDK throws, reduced to what the reference table talks about. */
async function restFailure(
  promise: Promise<unknown>,
): Promise<{ status?: number; code?: string; inner?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isRestError(error)) throw error;
    const details = error.details as { error?: { innerError?: { code?: string } } } | undefined;
    return {
      ...(error.statusCode !== undefined ? { status: error.statusCode } : {}),
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(details?.error?.innerError?.code ? { inner: details.error.innerError.code } : {}),
      message: error.message,
    };
  }
  throw new Error('expected the call to fail');
}

async function plainFailure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && !isRestError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Key Vault simulator through the real Azure SDK (@azure/identity + @azure/keyvault-keys)', () => {
  let harness: Harness;
  let app: App;
  let vault: VaultAddress;

  const createKey = (body: Record<string, unknown> = {}) =>
    harness.control<KeyView>('POST', `/vaults/${vault.name}/keys`, {
      name: `k${randomBytes(4).toString('hex')}`,
      ...body,
    });
  const counters = async () => (await harness.control<Counters>('GET', '/counters')).vaults[vault.name];

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());

  beforeEach(async () => {
    app = await harness.newApp();
    vault = await harness.newVault(app, ENCRYPTION_USER);
  });

  /**
   * The SDK behaviours of the reference, through both entrances: the front door (Azure-form URLs and
   * kids, no `disableChallengeResourceVerification`) and the vault's loopback listener.
   */
  describe.each(ENTRANCES)('through %s', (entrance) => {
    const url = () => (entrance === FRONT_DOOR ? vault.vaultUrl : vault.directUrl);
    const kidOf = (key: KeyView) => (entrance === FRONT_DOOR ? key.kid : key.directKid);
    const clients = (who: App = app) => {
      const credential = harness.credential(who);
      return {
        credential,
        keys: harness.keyClient(url(), credential),
        crypto: (kid: string) => harness.cryptoClient(kid, credential),
      };
    };

    describe('the happy path', () => {
      it('gets a key and round-trips wrapKey/unwrapKey with RSA-OAEP-256 in the vault', async () => {
        const created = await createKey();
        const { keys, crypto } = clients();
        const key = await keys.getKey(created.name);
        expect(key.id).toBe(kidOf(created));
        expect(key.id).toMatch(new RegExp(`^${url()}/keys/${created.name}/[0-9a-f]{32}$`));
        expect(key.keyType).toBe('RSA');
        expect(key.keyOperations).toEqual(['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey']);
        expect(key.properties).toMatchObject({
          enabled: true,
          recoveryLevel: 'Recoverable+Purgeable',
          recoverableDays: 90,
        });
        expect(key.key?.n).toHaveLength(256);
        const dek = randomBytes(32);
        const client = crypto(key.id!);
        const wrapped = await client.wrapKey('RSA-OAEP-256', dek);
        expect(wrapped.keyID).toBe(key.id);
        expect(wrapped.result).toHaveLength(256);
        const unwrapped = await client.unwrapKey('RSA-OAEP-256', wrapped.result);
        expect(Buffer.from(unwrapped.result).equals(dek)).toBe(true);
        // RSA-OAEP-256 has no local provider in the SDK: both operations reached the vault.
        expect(await counters()).toMatchObject({ wrapKey: 1, unwrapKey: 1 });
      });

      it('wraps RSA-OAEP and RSA1_5 locally in the SDK (no wrapkey request) and unwraps them in the vault', async () => {
        const created = await createKey();
        const client = clients().crypto(kidOf(created));
        for (const alg of ['RSA-OAEP', 'RSA1_5'] as const) {
          const dek = randomBytes(32);
          const wrapped = await client.wrapKey(alg, dek);
          expect(Buffer.from((await client.unwrapKey(alg, wrapped.result)).result).equals(dek)).toBe(true);
        }
        expect(await counters()).toMatchObject({ wrapKey: 0, unwrapKey: 2 });
      });

      it('addresses the current version through a key id without version (`/keys/k//wrapkey`)', async () => {
        const created = await createKey();
        const client = clients().crypto(`${url()}/keys/${created.name}`);
        const wrapped = await client.wrapKey('RSA-OAEP-256', randomBytes(32));
        // The SDK fetched the key first, so it reports the full id it got back.
        expect(wrapped.keyID).toBe(kidOf(created));
        const requests = await harness.control<{ entries: { path: string; status: number }[] }>(
          'GET',
          `/requests?target=${vault.name}`,
        );
        expect(requests.entries.map((entry) => `${entry.status} ${entry.path}`)).toContain(
          `200 /keys/${created.name}//wrapkey`,
        );
      });

      it('reports a 4096-bit key through its 512-byte modulus (the SDK has no key size field)', async () => {
        const created = await createKey({ size: 4096, kty: 'RSA-HSM' });
        const key = await clients().keys.getKey(created.name);
        expect(key.keyType).toBe('RSA-HSM');
        expect(key.key?.n).toHaveLength(512);
      });

      it('keeps an old version usable after rotation while the key name resolves to the new one', async () => {
        const created = await createKey();
        const { keys, crypto } = clients();
        const dek = randomBytes(32);
        const wrappedByOld = await crypto(kidOf(created)).wrapKey('RSA-OAEP-256', dek);
        const rotated = await harness.control<KeyView>(
          'POST',
          `/vaults/${vault.name}/keys/${created.name}/rotate`,
        );
        expect((await keys.getKey(created.name)).id).toBe(kidOf(rotated));
        expect(rotated.version).not.toBe(created.version);
        const unwrapped = await crypto(kidOf(created)).unwrapKey('RSA-OAEP-256', wrappedByOld.result);
        expect(Buffer.from(unwrapped.result).equals(dek)).toBe(true);
        await expect(
          crypto(kidOf(rotated)).unwrapKey('RSA-OAEP-256', wrappedByOld.result),
        ).rejects.toMatchObject({
          statusCode: 400,
        });
      });
    });

    describe('the failures of the reference table', () => {
      it('no role → RestError 403 Forbidden, innererror ForbiddenByRbac (get, and remote wrap after the get fallback)', async () => {
        const created = await createKey();
        const stranger = await harness.newApp(app.tenantId);
        const { keys, crypto } = clients(stranger);
        const failure = await restFailure(keys.getKey(created.name));
        expect(failure).toMatchObject({ status: 403, code: 'Forbidden', inner: 'ForbiddenByRbac' });
        expect(failure.message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/read'");
        expect(
          await restFailure(crypto(kidOf(created)).wrapKey('RSA-OAEP-256', randomBytes(32))),
        ).toMatchObject({
          status: 403,
          inner: 'ForbiddenByRbac',
        });
      });

      it('Key Vault Reader reads key metadata but may not wrap', async () => {
        const created = await createKey();
        const reader = await harness.newApp(app.tenantId);
        await harness.control('POST', `/vaults/${vault.name}/role-assignments`, {
          clientId: reader.clientId,
          role: 'Key Vault Reader',
        });
        const { keys, crypto } = clients(reader);
        expect((await keys.getKey(created.name)).id).toBe(kidOf(created));
        expect(
          await restFailure(crypto(kidOf(created)).wrapKey('RSA-OAEP-256', randomBytes(32))),
        ).toMatchObject({
          status: 403,
          inner: 'ForbiddenByRbac',
        });
      });

      it('disabled key → RestError 403 Forbidden, innererror KeyDisabled, for get and wrap (strict default)', async () => {
        const created = await createKey({ enabled: false });
        const { keys, crypto } = clients();
        expect(await restFailure(keys.getKey(created.name))).toMatchObject({
          status: 403,
          code: 'Forbidden',
          inner: 'KeyDisabled',
          message: 'Operation get is not allowed on a disabled key.',
        });
        expect(
          await restFailure(crypto(kidOf(created)).wrapKey('RSA-OAEP-256', randomBytes(32))),
        ).toMatchObject({
          status: 403,
          inner: 'KeyDisabled',
        });
      });

      it('a client holding the key from before it was disabled wraps RSA-OAEP locally, but RSA-OAEP-256 meets the 403', async () => {
        const created = await createKey();
        const client = clients().crypto(kidOf(created));
        await client.wrapKey('RSA-OAEP-256', randomBytes(32));
        await harness.control('PATCH', `/vaults/${vault.name}/keys/${created.name}`, { enabled: false });
        await expect(client.wrapKey('RSA-OAEP', randomBytes(32))).resolves.toMatchObject({
          keyID: kidOf(created),
        });
        expect(await restFailure(client.wrapKey('RSA-OAEP-256', randomBytes(32)))).toMatchObject({
          status: 403,
          inner: 'KeyDisabled',
        });
      });

      it('with disabledKeyAllowsPublicOps a disabled key still wraps but does not unwrap', async () => {
        const created = await createKey();
        const client = clients().crypto(kidOf(created));
        const wrapped = await client.wrapKey('RSA-OAEP-256', randomBytes(32));
        await harness.control('PATCH', `/vaults/${vault.name}/keys/${created.name}`, { enabled: false });
        await harness.control('PATCH', '/switches', { disabledKeyAllowsPublicOps: true });
        try {
          await expect(client.wrapKey('RSA-OAEP-256', randomBytes(32))).resolves.toMatchObject({
            keyID: kidOf(created),
          });
          expect(await restFailure(client.unwrapKey('RSA-OAEP-256', wrapped.result))).toMatchObject({
            status: 403,
            inner: 'KeyDisabled',
          });
        } finally {
          await harness.control('PATCH', '/switches', { disabledKeyAllowsPublicOps: false });
        }
      });

      it('unknown name or version, or a deleted key → RestError 404 KeyNotFound', async () => {
        const created = await createKey();
        const { keys } = clients();
        expect(await restFailure(keys.getKey('no-such-key'))).toMatchObject({
          status: 404,
          code: 'KeyNotFound',
        });
        expect(await restFailure(keys.getKey(created.name, { version: '0'.repeat(32) }))).toMatchObject({
          status: 404,
          code: 'KeyNotFound',
        });
        await harness.control('DELETE', `/vaults/${vault.name}/keys/${created.name}`);
        expect(await restFailure(keys.getKey(created.name))).toMatchObject({
          status: 404,
          code: 'KeyNotFound',
        });
      });

      it('expired key: getKey succeeds, the SDK refuses wrap and unwrap locally without sending anything', async () => {
        const created = await createKey({ exp: Math.floor(Date.now() / 1000) - 60 });
        const { keys, crypto } = clients();
        const key = await keys.getKey(created.name);
        expect(key.properties.expiresOn?.getTime()).toBeLessThan(Date.now());
        const client = crypto(kidOf(created));
        expect((await plainFailure(client.wrapKey('RSA-OAEP-256', randomBytes(32)))).message).toMatch(
          /expired at/,
        );
        expect((await plainFailure(client.unwrapKey('RSA-OAEP-256', randomBytes(256)))).message).toMatch(
          /expired at/,
        );
        expect(await counters()).toMatchObject({ wrapKey: 0, unwrapKey: 0 });
      });

      it('tampered wrapped key → RestError 400 BadParameter "Error occurred while decoding OAEP padding."', async () => {
        const created = await createKey();
        const client = clients().crypto(kidOf(created));
        const wrapped = Buffer.from((await client.wrapKey('RSA-OAEP-256', randomBytes(32))).result);
        wrapped[17] ^= 0x01;
        expect(await restFailure(client.unwrapKey('RSA-OAEP-256', wrapped))).toMatchObject({
          status: 400,
          code: 'BadParameter',
          message: 'Error occurred while decoding OAEP padding.',
        });
        expect(await restFailure(client.unwrapKey('RSA-OAEP-256', wrapped.subarray(1)))).toMatchObject({
          status: 400,
          code: 'BadParameter',
        });
      });

      it('EC key with RSA-OAEP-256 → refused locally by the SDK (its key_ops are sign/verify)', async () => {
        const created = await createKey({ kty: 'EC', curve: 'P-256' });
        const { keys, crypto } = clients();
        const key = await keys.getKey(created.name);
        expect(key.keyType).toBe('EC');
        expect(key.keyOperations).toEqual(['sign', 'verify']);
        const failure = await plainFailure(crypto(kidOf(created)).wrapKey('RSA-OAEP-256', randomBytes(32)));
        expect(failure.message).toMatch(/Operation wrapKey is not supported/);
        expect(await counters()).toMatchObject({ wrapKey: 0 });
      });

      it('EC key that lists wrapKey in key_ops → the vault answers 400 BadParameter', async () => {
        const created = await createKey({ kty: 'EC', keyOps: ['wrapKey', 'unwrapKey'] });
        expect(
          await restFailure(clients().crypto(kidOf(created)).wrapKey('RSA-OAEP-256', randomBytes(32))),
        ).toMatchObject({
          status: 400,
          code: 'BadParameter',
        });
      });

      it('wrong client secret → the credential fails: AuthenticationRequiredError with invalid_client (AADSTS7000215) in the cause chain', async () => {
        const created = await createKey();
        const { keys } = clients({ ...app, clientSecret: 'not-the-secret' });
        let failure: unknown;
        try {
          await keys.getKey(created.name);
        } catch (error) {
          failure = error;
        }
        expect(failure).toBeInstanceOf(AuthenticationRequiredError);
        const chain: string[] = [];
        for (let link: unknown = failure; link instanceof Error; link = link.cause)
          chain.push(`${link.name}: ${link.message}`);
        expect(chain.join('\n')).toMatch(/invalid_client/);
        expect(chain.join('\n')).toMatch(/AADSTS7000215/);
        expect(await counters()).toMatchObject({ challenge: 1, getKey: 0 });
      });
    });
  });

  describe('the wire, below the SDK', () => {
    it('answers a request without token 401 with the challenge naming the vault tenant and the Key Vault resource', async () => {
      const answer = await harness.https('GET', `${vault.vaultUrl}/keys/any?${API}`);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe(
        `Bearer authorization="${harness.simulator.authorityHost}/${app.tenantId}", resource="https://vault.azure.net"`,
      );
      expect(answer.json).toEqual({
        error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
      });
    });

    it('refuses another tenant’s token with 401 AKV10032 and the challenge', async () => {
      const foreign = await harness.newApp();
      await harness.control('POST', `/vaults/${vault.name}/role-assignments`, {
        clientId: foreign.clientId,
        role: ENCRYPTION_USER,
      });
      const answer = await harness.https('GET', `${vault.vaultUrl}/keys/any?${API}`, {
        token: await harness.token(foreign),
      });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toContain(`/${app.tenantId}"`);
      expect(JSON.stringify(answer.json)).toContain('AKV10032: Invalid issuer');
    });

    it('refuses an expired token (past exp plus five minutes of skew) with 401', async () => {
      const token = await harness.token(app);
      await harness.control('POST', '/clock', { advanceMs: (3599 + 301) * 1000 });
      try {
        const answer = await harness.https('GET', `${vault.vaultUrl}/keys/any?${API}`, { token });
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toBeDefined();
      } finally {
        await harness.control('DELETE', '/clock');
      }
    });

    it('requires api-version (400 BadParameter), knows 7.4 to 2025-07-01, and can be lenient', async () => {
      const created = await createKey();
      const token = await harness.token(app);
      const get = (query: string) =>
        harness.https('GET', `${vault.vaultUrl}/keys/${created.name}${query}`, { token });
      expect(await get('')).toMatchObject({ status: 400, json: { error: { code: 'BadParameter' } } });
      expect(await get('?api-version=7.3')).toMatchObject({
        status: 400,
        json: { error: { code: 'BadParameter' } },
      });
      for (const version of ['7.4', '7.5', '7.6', '2025-07-01'])
        expect((await get(`?api-version=${version}`)).status).toBe(200);
      await harness.control('PATCH', '/switches', { requireApiVersion: false });
      try {
        expect((await get('')).status).toBe(200);
      } finally {
        await harness.control('PATCH', '/switches', { requireApiVersion: true });
      }
    });

    it('refuses wrap outside nbf/exp (403) but still unwraps, as documented', async () => {
      const created = await createKey();
      const token = await harness.token(app);
      const post = (action: string, body: string, version = created.version) =>
        harness.https('POST', `${vault.vaultUrl}/keys/${created.name}/${version}/${action}?${API}`, {
          token,
          body,
        });
      const wrapped = await post('wrapkey', cryptoBody('RSA-OAEP-256', randomBytes(32)));
      const value = Buffer.from((wrapped.json as { value: string }).value, 'base64url');
      const now = Math.floor(Date.now() / 1000);
      await harness.control('PATCH', `/vaults/${vault.name}/keys/${created.name}`, { exp: now - 1 });
      expect(await post('wrapkey', cryptoBody('RSA-OAEP-256', randomBytes(32)))).toMatchObject({
        status: 403,
        json: { error: { code: 'Forbidden', innererror: { code: 'KeyExpired' } } },
      });
      expect((await post('unwrapkey', cryptoBody('RSA-OAEP-256', value))).status).toBe(200);
      await harness.control('PATCH', `/vaults/${vault.name}/keys/${created.name}`, {
        exp: null,
        nbf: now + 3600,
      });
      expect(await post('wrapkey', cryptoBody('RSA-OAEP-256', randomBytes(32)))).toMatchObject({
        status: 403,
        json: { error: { innererror: { code: 'KeyNotYetValid' } } },
      });
      expect((await post('unwrapkey', cryptoBody('RSA-OAEP-256', value))).status).toBe(200);
    });

    it('refuses an operation missing from key_ops with 403 KeyOperationForbidden', async () => {
      const created = await createKey({ keyOps: ['unwrapKey'] });
      const token = await harness.token(app);
      const answer = await harness.https('POST', `${vault.vaultUrl}/keys/${created.name}//wrapkey?${API}`, {
        token,
        body: cryptoBody('RSA-OAEP-256', randomBytes(32)),
      });
      expect(answer).toMatchObject({
        status: 403,
        json: {
          error: {
            code: 'Forbidden',
            message: 'Operation wrapKey is not permitted on this key.',
            innererror: { code: 'KeyOperationForbidden' },
          },
        },
      });
    });

    it('validates the operation body and answers what it does not model with 501', async () => {
      const created = await createKey();
      const token = await harness.token(app);
      const wrap = (body: string) =>
        harness.https('POST', `${vault.vaultUrl}/keys/${created.name}/${created.version}/wrapkey?${API}`, {
          token,
          body,
        });
      for (const body of [
        'not json',
        '{}',
        '{"alg":"RSA-OAEP-256"}',
        '{"alg":"RSA-OAEP-256","value":"a+b="}',
        '{"alg":"A256KW","value":"AAAA"}',
      ]) {
        expect(await wrap(body)).toMatchObject({ status: 400, json: { error: { code: 'BadParameter' } } });
      }
      expect(await wrap(cryptoBody('RSA-OAEP-256', randomBytes(191)))).toMatchObject({ status: 400 });
      expect((await harness.https('GET', `${vault.vaultUrl}/secrets/s?${API}`, { token })).status).toBe(501);
    });
  });
});
