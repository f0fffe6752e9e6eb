import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '@vault-backup/config';
import { SimulatorControlError } from './simulator-control.client';
import { BACKUP_SAFE_PERMISSIONS, FULL_SAFE_PERMISSIONS, type SeedDocument } from './simulator-control.types';
import { type SimulatorProcess, SimulatorStartError, startSimulatorProcess } from './simulator-process';

const SEEDED_SECRET_ENV = 'SIM_TEST_SEEDED_CLIENT_SECRET';

function httpsGet(
  url: string,
  tls: { ca: string; cert: string; key: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function tokenFor(
  simulator: SimulatorProcess,
  tenant: string,
  clientId: string,
  clientSecret: string,
): Promise<Response> {
  return fetch(`${simulator.identityUrl(tenant)}/oauth2/platformtoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }).toString(),
  });
}

describe('simulator child process + typed control client', () => {
  let dir: string;
  let simulator: SimulatorProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-process-'));
    const seed: SeedDocument = {
      tenants: [
        {
          id: 'seeded',
          serviceAccounts: [{ clientId: 'seed-svc', clientSecretEnv: SEEDED_SECRET_ENV }],
          platforms: [{ id: 'P', required: ['Address'] }],
          safes: [
            { safeName: 'S', members: [{ memberName: 'seed-svc', permissions: BACKUP_SAFE_PERMISSIONS }] },
          ],
        },
      ],
    };
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    simulator = await startSimulatorProcess({
      seedFile: join(dir, 'seed.json'),
      env: { [SEEDED_SECRET_ENV]: 'from-env' },
    });
  }, 30_000);

  afterAll(async () => {
    await simulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports its ports and URLs and loads the seed file', async () => {
    expect(simulator.httpPort).toBeGreaterThan(0);
    expect(simulator.ccpPort).toBeGreaterThan(0);
    expect(simulator.ccpCaCertFile && existsSync(simulator.ccpCaCertFile)).toBe(true);
    expect(simulator.pcloudUrl('acme')).toBe(`${simulator.baseUrl}/t/acme/pcloud`);
    expect(simulator.ccpUrl()).toBe(`https://127.0.0.1:${simulator.ccpPort ?? 0}`);
    expect(await simulator.control.health()).toEqual({ status: 'ok' });
    expect((await simulator.control.listTenants()).map((tenant) => tenant.id)).toContain('seeded');
    expect((await tokenFor(simulator, 'seeded', 'seed-svc', 'from-env')).status).toBe(200);
  });

  it('drives tenants, service accounts, platforms, Safes and members', async () => {
    const control = simulator.control;
    const tenant = await control.putTenant('acme', { behaviour: { duplicateNameStatus: 400 } });
    expect(tenant.behaviour.duplicateNameStatus).toBe(400);
    expect(await control.updateBehaviour('acme', { tokenTtlSeconds: 60 })).toMatchObject({
      duplicateNameStatus: 400,
      tokenTtlSeconds: 60,
    });
    await control.putServiceAccount('acme', 'svc', { clientSecret: new Secret('s3cret') });
    expect(JSON.stringify(await control.getTenant('acme'))).not.toContain('s3cret');
    const token = await tokenFor(simulator, 'acme', 'svc', 's3cret');
    expect(await token.json()).toMatchObject({ expires_in: 60 });
    expect(await control.revokeTokens('acme', 'svc')).toEqual({ revoked: 1 });
    expect((await control.putPlatform('acme', 'WinDomain', { required: ['Address', 'Username'] })).name).toBe(
      'WinDomain',
    );
    const safe = await control.putSafe('acme', 'Backup', {
      members: [{ memberName: 'svc', permissions: FULL_SAFE_PERMISSIONS }],
    });
    expect(safe.members[0]?.permissions.requestsAuthorizationLevel2).toBe(true);
    await control.putSafeMember('acme', 'Backup', 'auditor', { permissions: { viewAuditLog: true } });
    expect((await control.listSafes('acme'))[0]?.members).toHaveLength(2);
    await control.deleteSafeMember('acme', 'Backup', 'auditor');
    await control.deleteServiceAccount('acme', 'svc');
    expect((await tokenFor(simulator, 'acme', 'svc', 's3cret')).status).toBe(401);
    await control.deleteTenant('acme');
    await expect(control.getTenant('acme')).rejects.toBeInstanceOf(SimulatorControlError);
  });

  it('seeds and reads accounts, keeping secrets wrapped', async () => {
    const control = simulator.control;
    await control.putTenant('accounts');
    await control.putSafe('accounts', 'S');
    const seeded = await control.seedAccount('accounts', {
      safeName: 'S',
      platformId: 'P',
      name: 'a',
      secret: new Secret('pw'),
    });
    expect(seeded.secret.reveal()).toBe('pw');
    expect(JSON.stringify(await control.listAccounts('accounts', { safeName: 'S' }))).not.toContain('"pw"');
    expect((await control.getAccount('accounts', seeded.id)).secret.reveal()).toBe('pw');
    const error = await control.getAccount('accounts', '999_1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SimulatorControlError);
    expect((error as SimulatorControlError).status).toBe(404);
  });

  it('drives faults, latency and the request log', async () => {
    const control = simulator.control;
    await control.putTenant('faulty');
    await control.putServiceAccount('faulty', 'svc', { clientSecret: 'x' });
    const fault = await control.addFault('faulty', { type: 'token-endpoint-down' });
    await control.addFault('faulty', { type: 'http-error', status: 500, count: 3 });
    expect((await control.listFaults('faulty')).map((view) => view.spec.type)).toEqual([
      'token-endpoint-down',
      'http-error',
    ]);
    const { cursor } = await control.readRequests();
    expect((await tokenFor(simulator, 'faulty', 'svc', 'x')).status).toBe(503);
    await control.removeFault('faulty', fault.id);
    expect((await tokenFor(simulator, 'faulty', 'svc', 'x')).status).toBe(500);
    await control.clearFaults('faulty');
    expect(await control.listFaults('faulty')).toEqual([]);
    expect((await control.setLatency('faulty', [{ fixedMs: 100, families: ['token'] }])).rules).toHaveLength(
      1,
    );
    const started = Date.now();
    expect((await tokenFor(simulator, 'faulty', 'svc', 'x')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    await control.clearLatency('faulty');
    const page = await control.readRequests({ since: cursor, tenant: 'faulty' });
    expect(page.entries.map((entry) => entry.status)).toEqual([503, 500, 200]);
    expect(JSON.stringify(page)).not.toContain('client_secret');
    await control.clearRequests();
    expect((await control.readRequests({ since: page.cursor })).entries).toEqual([]);
  });

  it('reads the write log by page and whole; a reset connection writes nothing', async () => {
    const control = simulator.control;
    await control.putTenant('writes');
    await control.putServiceAccount('writes', 'svc', { clientSecret: 'x' });
    await control.putPlatform('writes', 'P', { optional: ['Port'] });
    await control.putSafe('writes', 'S', {
      members: [{ memberName: 'svc', permissions: BACKUP_SAFE_PERMISSIONS }],
    });
    const { access_token: token } = (await (await tokenFor(simulator, 'writes', 'svc', 'x')).json()) as {
      access_token: string;
    };
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${simulator.pcloudUrl('writes')}/PasswordVault/API${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const addBody = (name: string) => ({ safeName: 'S', platformId: 'P', name, secret: `${name}-secret` });
    await control.addFault('writes', { type: 'connection-reset', methods: ['POST'], count: 1 });
    await expect(api('POST', '/Accounts', addBody('a0'))).rejects.toMatchObject({
      cause: { code: 'ECONNRESET' },
    });
    const ids: string[] = [];
    for (const name of ['a1', 'a2'])
      ids.push(((await (await api('POST', '/Accounts', addBody(name))).json()) as { id: string }).id);
    const replace = [{ op: 'add', path: '/platformAccountProperties/Port', value: '22' }];
    expect((await api('PATCH', `/Accounts/${ids[0] ?? ''}`, replace)).status).toBe(200);
    expect(
      (await api('POST', `/Accounts/${ids[1] ?? ''}/Password/Update`, { NewCredentials: 'new' })).status,
    ).toBe(200);
    const first = await control.writeLog({ tenant: 'writes', limit: 2 });
    const next = await control.writeLog({ tenant: 'writes', since: first.cursor });
    expect([...first.entries, ...next.entries].map((entry) => [entry.operation, entry.accountName])).toEqual([
      ['add', 'a1'],
      ['add', 'a2'],
      ['patch', 'a1'],
      ['password-update', 'a2'],
    ]);
    expect(next.entries[0]?.properties).toEqual({ Port: '22' });
    expect(next.entries[1]?.secretDigest).toBe(createHash('sha256').update('new').digest('hex'));
    expect(await control.readWholeWriteLog('writes', 3)).toEqual([...first.entries, ...next.entries]);
    await control.clearWriteLog();
    expect(await control.readWholeWriteLog()).toEqual([]);
  });

  it('issues CCP client certificates the CCP listener accepts', async () => {
    const control = simulator.control;
    await control.putTenant('ccp');
    await control.putSafe('ccp', 'S');
    await control.seedAccount('ccp', { safeName: 'S', platformId: 'P', name: 'kek', secret: 'wrapped' });
    const certificate = await control.issueCcpClientCertificate('vault-backup');
    expect(String(certificate.keyPem)).toBe('[redacted]');
    await control.putCcpApp('ccp', 'Backup', {
      allowedSafes: ['S'],
      clientCertificates: [{ serialNumber: certificate.serialNumber }],
    });
    const ca = await control.ccpCaCertificate();
    expect(ca).toBe(await readFile(simulator.ccpCaCertFile ?? '', 'utf8'));
    const answer = await httpsGet(
      `${simulator.ccpUrl() ?? ''}/AIMWebService/api/Accounts?AppID=Backup&Safe=S&Object=kek`,
      {
        ca,
        cert: certificate.certPem,
        key: certificate.keyPem.reveal(),
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ Content: 'wrapped', PasswordChangeInProcess: 'False' });
    await control.deleteCcpApp('ccp', 'Backup');
  });

  it('resets everything and re-seeds from a document', async () => {
    const control = simulator.control;
    await control.reset();
    expect(await control.listTenants()).toEqual([]);
    await control.seed({ tenants: [{ id: 'again', safes: [{ safeName: 'S' }] }] });
    expect((await control.getTenant('again')).safes.map((safe) => safe.safeName)).toEqual(['S']);
  });

  it('fails to start with a clear error when the port is taken', async () => {
    const error = await startSimulatorProcess({
      port: simulator.httpPort,
      ccp: false,
      startTimeoutMs: 15_000,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SimulatorStartError);
    expect((error as Error).message).toContain('EADDRINUSE');
  }, 20_000);
});

describe('stopping the simulator process', () => {
  it('kills the child and tolerates a second stop', async () => {
    const simulator = await startSimulatorProcess({ ccp: false });
    await simulator.stop();
    expect(() => process.kill(simulator.pid, 0)).toThrow();
    await simulator.stop();
    await expect(fetch(`${simulator.baseUrl}/_control/health`)).rejects.toThrow();
  }, 30_000);
});
