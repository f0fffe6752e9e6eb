import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { type App, type Harness, type VaultAddress, startHarness } from '../../test/simulator-harness';

const ENCRYPTION_USER = 'Key Vault Crypto Service Encryption User';
const API = 'api-version=7.5';

interface KeyView {
  name: string;
  version: string;
  kid: string;
  directKid: string;
}
interface FrontDoorCounters {
  frontDoor: { unknownHost: number; misdirected: number };
}

describe('the front door: every vault under its Azure host name on one HTTPS port', () => {
  let harness: Harness;
  let app: App;
  let vault: VaultAddress;
  let token: string;

  const createKey = (vaultName = vault.name) =>
    harness.control<KeyView>('POST', `/vaults/${vaultName}/keys`, { name: 'cmk' });
  const hostOf = (address: VaultAddress) => new URL(address.vaultUrl).hostname;
  const frontDoorCounters = async () =>
    (await harness.control<FrontDoorCounters>('GET', '/counters')).frontDoor;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    app = await harness.newApp();
    vault = await harness.newVault(app, ENCRYPTION_USER);
    token = await harness.token(app);
  });

  describe('addresses', () => {
    it('gives each vault an Azure URL (lower case, no port) and its loopback URL, and shows where the front door is', async () => {
      expect(vault.vaultUrl).toBe(`https://${vault.name}.vault.azure.net`);
      expect(vault.directUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const view = await harness.control<Record<string, unknown>>(
        'GET',
        `/vaults/${vault.name.toUpperCase()}`,
      );
      expect(view).toMatchObject({
        name: vault.name,
        vaultUrl: vault.vaultUrl,
        directUrl: vault.directUrl,
        cloud: 'public',
        port: Number(new URL(vault.directUrl).port),
      });
      expect(await harness.control('GET', '/state')).toMatchObject({
        frontDoor: { host: '127.0.0.1', port: harness.simulator.frontDoor.port },
      });
    });

    it('presents one certificate naming every cloud’s vault hosts, localhost and 127.0.0.1', async () => {
      const names = await new Promise<string>((resolve, reject) => {
        const socket = connect(
          {
            host: harness.simulator.frontDoor.host,
            port: harness.simulator.frontDoor.port,
            servername: hostOf(vault),
            ca: harness.simulator.caPem,
          },
          () => {
            resolve(socket.getPeerCertificate().subjectaltname ?? '');
            socket.end();
          },
        );
        socket.once('error', reject);
      });
      expect(names.split(', ').sort()).toEqual(
        [
          'DNS:*.vault.azure.cn',
          'DNS:*.vault.azure.net',
          'DNS:*.vault.usgovcloudapi.net',
          'DNS:localhost',
          'IP Address:127.0.0.1',
        ].sort(),
      );
    });
  });

  describe('routing by Host (and TLS server name)', () => {
    it('serves two vaults on one port, each answering with its own host in the kid, never a port', async () => {
      const other = await harness.newVault(app, ENCRYPTION_USER);
      const [mine, theirs] = [await createKey(), await createKey(other.name)];
      const get = (address: VaultAddress) =>
        harness.https('GET', `${address.vaultUrl}/keys/cmk?${API}`, { token });
      const [fromMine, fromTheirs] = [await get(vault), await get(other)];
      expect(fromMine).toMatchObject({ status: 200, json: { key: { kid: mine.kid } } });
      expect(fromTheirs).toMatchObject({ status: 200, json: { key: { kid: theirs.kid } } });
      expect(mine.kid).toBe(`https://${vault.name}.vault.azure.net/keys/cmk/${mine.version}`);
      expect(fromMine.headers['x-ms-keyvault-service-version']).toBeDefined();
    });

    it('answers the same key through its loopback listener with loopback kids, and logs which way each request came', async () => {
      const key = await createKey();
      const direct = await harness.https('GET', `${vault.directUrl}/keys/cmk?${API}`, { token });
      expect(direct).toMatchObject({ status: 200, json: { key: { kid: key.directKid } } });
      await harness.https('GET', `${vault.vaultUrl}/keys/cmk?${API}`, { token });
      const log = await harness.control<{ entries: { via?: string; status: number }[] }>(
        'GET',
        `/requests?target=${vault.name}`,
      );
      expect(log.entries.map((entry) => `${entry.via} ${entry.status}`)).toEqual([
        'direct 200',
        'front-door 200',
      ]);
    });

    it('canonicalises the host: letter case and an explicit :443 change nothing, the kid stays lower case without port', async () => {
      const key = await createKey();
      const shouting = `${vault.name.toUpperCase()}.VAULT.AZURE.NET`;
      const answer = await harness.frontDoorHttps('POST', `/keys/cmk/${key.version}/wrapkey?${API}`, {
        servername: shouting,
        host: `${shouting}:443`,
        token,
        body: JSON.stringify({ alg: 'RSA-OAEP-256', value: randomBytes(32).toString('base64url') }),
      });
      expect(answer).toMatchObject({ status: 200, json: { kid: key.kid } });
    });

    it('serves a client that dials the IP (no TLS server name) by its Host alone', async () => {
      const key = await createKey();
      const answer = await harness.frontDoorHttps('GET', `/keys/cmk?${API}`, {
        servername: null,
        host: hostOf(vault),
        token,
      });
      expect(answer).toMatchObject({ status: 200, json: { key: { kid: key.kid } } });
    });

    it.each([
      ['another existing vault', true],
      ['a vault that does not exist', false],
    ])(
      'refuses a Host of %s on a connection opened for this vault: 403, as Key Vault does for a wrong Host',
      async (_why, exists) => {
        const other = exists
          ? hostOf(await harness.newVault(app, ENCRYPTION_USER))
          : 'no-such-kv.vault.azure.net';
        const before = await frontDoorCounters();
        const answer = await harness.frontDoorHttps('GET', `/keys/cmk?${API}`, {
          servername: hostOf(vault),
          host: other,
          token,
        });
        expect(answer).toMatchObject({
          status: 403,
          json: {
            error: { code: 'Forbidden', message: `This TCP connection does not allow access to ${other}.` },
          },
        });
        expect(answer.headers['x-ms-request-id']).toBeDefined();
        expect((await frontDoorCounters()).misdirected - before.misdirected).toBe(1);
      },
    );
  });

  describe('a vault that does not exist: no answer at all, as when its name does not resolve', () => {
    it.each([
      ['an unknown vault name', 'no-such-kv.vault.azure.net'],
      ['a deleted vault', null],
      ['an existing name under another cloud’s suffix', 'CLOUD_SWAP'],
      ['a host that is no vault host', 'localhost'],
    ])('TLS server name of %s: the handshake is refused', async (_why, servername) => {
      const gone = await harness.newVault(app);
      await harness.control('DELETE', `/vaults/${gone.name}`);
      const name =
        servername === null
          ? hostOf(gone)
          : servername === 'CLOUD_SWAP'
            ? hostOf(vault).replace(/vault\.azure\.net$/, 'vault.azure.cn')
            : servername;
      const before = await frontDoorCounters();
      await expect(
        harness.frontDoorHttps('GET', `/keys/cmk?${API}`, { servername: name, host: name, token }),
      ).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect((await frontDoorCounters()).unknownHost - before.unknownHost).toBe(1);
    });

    it.each([
      ['an unknown vault host', 'no-such-kv.vault.azure.net'],
      ['the front door’s own address', null],
    ])('no TLS server name and a Host of %s: the connection is dropped unanswered', async (_why, host) => {
      const before = await frontDoorCounters();
      await expect(
        harness.frontDoorHttps('GET', `/keys/cmk?${API}`, { servername: null, host, token }),
      ).rejects.toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
      expect((await frontDoorCounters()).unknownHost - before.unknownHost).toBe(1);
    });
  });

  describe('sovereign clouds', () => {
    it.each([
      ['china', 'vault.azure.cn', 'https://vault.azure.cn'],
      ['us-government', 'vault.usgovcloudapi.net', 'https://vault.usgovcloudapi.net'],
    ])(
      '%s: the vault is https://<name>.%s, its challenge names %s, and the SDK works without disabling the resource check',
      async (cloud, suffix, resource) => {
        const sovereign = await harness.newVault(app, ENCRYPTION_USER, cloud);
        expect(sovereign.vaultUrl).toBe(`https://${sovereign.name}.${suffix}`);
        const key = await createKey(sovereign.name);
        expect(key.kid).toBe(`https://${sovereign.name}.${suffix}/keys/cmk/${key.version}`);

        const challenge = await harness.https('GET', `${sovereign.vaultUrl}/keys/cmk?${API}`);
        expect(challenge.headers['www-authenticate']).toBe(
          `Bearer authorization="${harness.simulator.authorityHost}/${app.tenantId}", resource="${resource}"`,
        );
        // A public-cloud token is for another audience.
        const wrongAudience = await harness.https('GET', `${sovereign.vaultUrl}/keys/cmk?${API}`, { token });
        expect(wrongAudience).toMatchObject({
          status: 401,
          json: {
            error: {
              message: `AKV10022: Invalid audience. Expected ${resource}, found: https://vault.azure.net.`,
            },
          },
        });

        const credential = harness.credential(app);
        const fetched = await harness.keyClient(sovereign.vaultUrl, credential).getKey('cmk');
        expect(fetched.id).toBe(key.kid);
        const crypto = harness.cryptoClient(fetched.id!, credential);
        const dek = randomBytes(32);
        const wrapped = await crypto.wrapKey('RSA-OAEP-256', dek);
        expect(wrapped.keyID).toBe(key.kid);
        expect(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', wrapped.result)).result).equals(dek)).toBe(
          true,
        );
      },
    );
  });
});
