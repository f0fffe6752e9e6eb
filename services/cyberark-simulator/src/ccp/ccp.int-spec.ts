import pino from 'pino';
import {
  createCertificateAuthority,
  createPkiDir,
  issueCertificate,
  removePkiDir,
} from '@vault-backup/test-pki';
import {
  type Harness,
  PLATFORM,
  SAFE,
  TENANT,
  expectOk,
  httpsGet,
  seedStandardTenant,
  startHarness,
} from '../../test/simulator-harness';
import { startSimulator } from '../simulator';

interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  serialNumber: string;
  fingerprint256: string;
}

describe('Central Credential Provider over mutual TLS', () => {
  let harness: Harness;
  let ca: string;
  let allowed: IssuedCertificate;
  let other: IssuedCertificate;
  let foreign: IssuedCertificate;
  let foreignDir: string;
  let ccpBase: string;

  /** `null` presents no client certificate. */
  const ccp = (query: string, certificate: IssuedCertificate | null = allowed, prefix = '') =>
    httpsGet(`${ccpBase}${prefix}/AIMWebService/api/Accounts?${query}`, {
      ca,
      ...(certificate ? { cert: certificate.certPem, key: certificate.keyPem } : {}),
    });
  const issue = async (commonName: string) =>
    (await expectOk(harness.control('POST', '/ccp/client-certificates', { commonName })))
      .json as IssuedCertificate;

  beforeAll(async () => {
    harness = await startHarness({ ccp: true });
    ccpBase = `https://127.0.0.1:${harness.simulator.ccpPort ?? 0}`;
    ca = ((await expectOk(harness.control('GET', '/ccp/ca'))).json as { caCertPem: string }).caCertPem;
    allowed = await issue('vault-backup');
    other = await issue('someone-else');
    foreignDir = await createPkiDir();
    const foreignCa = await createCertificateAuthority(foreignDir, 'Foreign CA');
    foreign = await issueCertificate(foreignCa, 'vault-backup', 'client');
  });
  afterAll(async () => {
    await harness.stop();
    await removePkiDir(foreignDir);
  });
  beforeEach(async () => {
    await expectOk(harness.control('POST', '/reset'));
    await seedStandardTenant(harness);
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/platforms/${PLATFORM}`, {
        required: ['Address', 'Username'],
        optional: ['LogonDomain'],
      }),
    );
    await expectOk(harness.control('PUT', `/tenants/${TENANT}/safes/Twins`, {}));
    await expectOk(harness.control('PUT', `/tenants/${TENANT}/safes/Forbidden`, {}));
    const seed = (body: Record<string, unknown>) =>
      expectOk(harness.control('POST', `/tenants/${TENANT}/accounts`, { platformId: PLATFORM, ...body }));
    await seed({
      safeName: SAFE,
      name: 'kek-wrapper',
      address: 'vault.local',
      userName: 'backup',
      secret: 'the-secret',
      platformAccountProperties: { LogonDomain: 'CORP', Hidden: 'x' },
    });
    await seed({ safeName: 'Twins', name: 'twin-1', userName: 'same', secret: 'a' });
    await seed({ safeName: 'Twins', name: 'twin-2', userName: 'same', secret: 'b' });
    await seed({ safeName: 'Forbidden', name: 'nope', userName: 'same', secret: 'c' });
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/ccp-apps/VaultBackup`, {
        allowedSafes: [SAFE, 'Twins'],
        clientCertificates: [{ serialNumber: allowed.serialNumber }],
      }),
    );
  });

  it('returns the secret and the account as string-valued JSON for an allowed certificate', async () => {
    const answer = await ccp(`AppID=VaultBackup&Safe=${SAFE}&Folder=Root&Object=kek-wrapper`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      Content: 'the-secret',
      UserName: 'backup',
      Address: 'vault.local',
      Name: 'kek-wrapper',
      Safe: SAFE,
      Folder: 'Root',
      PolicyID: PLATFORM,
      DeviceType: 'Generic',
      CreationMethod: 'PVWA',
      PasswordChangeInProcess: 'False',
      CPMDisabled: 'NoReason',
      LastSuccessChange: expect.stringMatching(/^\d+$/),
      RetriesCount: '-1',
      SequenceID: '1',
      LogonDomain: 'CORP',
    });
  });

  it('accepts a certificate registered by SHA-256 fingerprint, the /t/<tenant> prefix, and Query', async () => {
    await expectOk(
      harness.control('PUT', `/tenants/${TENANT}/ccp-apps/VaultBackup`, {
        allowedSafes: [SAFE],
        clientCertificates: [{ fingerprint256: other.fingerprint256 }],
      }),
    );
    const answer = await ccp(
      `AppID=vaultbackup&Query=${encodeURIComponent(`Safe=${SAFE};UserName=BACKUP`)}`,
      other,
      `/t/${TENANT}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ Name: 'kek-wrapper' });
  });

  it('answers 400 AIMWS031E without AppID', async () => {
    const answer = await ccp(`Safe=${SAFE}&Object=kek-wrapper`);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ ErrorCode: 'AIMWS031E', ErrorMsg: expect.any(String) });
  });

  it('answers 403 APPAP008E for an unknown AppID or another tenant prefix', async () => {
    for (const answer of [
      await ccp('AppID=Nobody&Object=x'),
      await ccp('AppID=VaultBackup&Object=x', allowed, '/t/other'),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ ErrorCode: 'APPAP008E' });
    }
  });

  it('answers 403 APPAP306E without a client certificate, with one not allowed, and with one from a foreign CA', async () => {
    for (const certificate of [null, other, foreign]) {
      const answer = await ccp(`AppID=VaultBackup&Safe=${SAFE}&Object=kek-wrapper`, certificate);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ ErrorCode: 'APPAP306E' });
      expect(answer.text).not.toContain('the-secret');
    }
  });

  it('serves an AppID registered without certificates to any caller', async () => {
    await expectOk(harness.control('PUT', `/tenants/${TENANT}/ccp-apps/Open`, { allowedSafes: [SAFE] }));
    expect((await ccp(`AppID=Open&Safe=${SAFE}&Object=kek-wrapper`, null)).status).toBe(200);
  });

  it('answers 404 APPAP004E when nothing matches, including Safes the app may not read', async () => {
    for (const query of [
      `Safe=${SAFE}&Object=missing`,
      'Safe=Forbidden&Object=nope',
      `Safe=${SAFE}&Folder=Sub&Object=kek-wrapper`,
    ]) {
      const answer = await ccp(`AppID=VaultBackup&${query}`);
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({
        ErrorCode: 'APPAP004E',
        ErrorMsg: expect.stringContaining('Password object matching query'),
      });
    }
  });

  it('answers 400 APPAP227E when the query matches several objects', async () => {
    const answer = await ccp('AppID=VaultBackup&UserName=same');
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ErrorCode: 'APPAP227E' });
  });

  it('answers 400 AIMWS030E for a query with nothing but AppID', async () => {
    expect((await ccp('AppID=VaultBackup')).json).toMatchObject({ ErrorCode: 'AIMWS030E' });
  });

  it('is subject to the tenant faults of the ccp family', async () => {
    await expectOk(
      harness.control('POST', `/tenants/${TENANT}/faults`, {
        type: 'http-error',
        status: 500,
        families: ['ccp'],
        count: 1,
      }),
    );
    expect((await ccp(`AppID=VaultBackup&Safe=${SAFE}&Object=kek-wrapper`)).status).toBe(500);
    expect((await ccp(`AppID=VaultBackup&Safe=${SAFE}&Object=kek-wrapper`)).status).toBe(200);
  });
});

describe('CCP listener with TLS material supplied from outside', () => {
  it('serves with the given server certificate and cannot issue client certificates', async () => {
    const dir = await createPkiDir();
    const authority = await createCertificateAuthority(dir);
    const server = await issueCertificate(authority, 'localhost', 'server');
    const client = await issueCertificate(authority, 'client', 'client');
    const simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      ccp: {
        port: 0,
        tls: { certFile: server.certFile, keyFile: server.keyFile, caFile: authority.certFile },
      },
      logger: pino({ level: 'silent' }),
      seed: {
        tenants: [
          {
            id: 't1',
            serviceAccounts: [],
            platforms: [],
            safes: [{ safeName: 'S', description: '' }],
            accounts: [
              {
                safeName: 'S',
                platformId: 'P',
                name: 'a',
                address: '',
                userName: 'u',
                secret: 'sec',
                secretType: 'password',
                platformAccountProperties: {},
                automaticManagementEnabled: true,
              },
            ],
            ccpApps: [
              {
                appId: 'App',
                allowedSafes: ['S'],
                clientCertificates: [{ serialNumber: client.serialNumber }],
              },
            ],
          },
        ],
      },
    });
    try {
      expect(simulator.ccpCaCertFile).toBe(authority.certFile);
      const answer = await httpsGet(
        `https://localhost:${simulator.ccpPort ?? 0}/AIMWebService/api/Accounts?AppID=App&Safe=S&Object=a`,
        {
          ca: authority.certPem,
          cert: client.certPem,
          key: client.keyPem,
        },
      );
      expect(answer.json).toMatchObject({ Content: 'sec' });
      const issue = await fetch(`http://127.0.0.1:${simulator.httpPort}/_control/ccp/client-certificates`, {
        method: 'POST',
        body: '{}',
      });
      expect(issue.status).toBe(409);
    } finally {
      await simulator.stop();
      await removePkiDir(dir);
    }
  });
});
