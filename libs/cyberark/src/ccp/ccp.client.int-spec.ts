import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket } from 'node:tls';
import { Secret } from '@vault-backup/config';
import {
  CyberArkAccountNotFoundError,
  CyberArkAuthError,
  CyberArkInvalidRequestError,
  CyberArkUnavailableError,
} from '../cyberark.errors';
import { expectRejection } from '../test/client-harness';
import { CcpClient, type CcpClientOptions } from './ccp.client';

interface Pki {
  readonly dir: string;
  readonly read: (name: string) => string;
}

/** A CA, a server certificate for 127.0.0.1, a client certificate, and a client certificate from a foreign CA. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-mtls-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ca = (name: string): void => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    );
  };
  const leaf = (name: string, caName: string, extensions: string): void => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  };
  ca('test-ca');
  ca('rogue-ca');
  leaf('ccp-server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('app-vault-backup', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  leaf('app-rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  return { dir, read: (name) => readFileSync(join(dir, name), 'utf8') };
}

describe('CCP client over mutual TLS (integration, loopback https)', () => {
  let pki: Pki;
  let server: Server;
  let baseUrl: string;
  const seen: { path: string; clientCn: string }[] = [];
  const clients: CcpClient[] = [];

  beforeAll(async () => {
    pki = makePki();
    server = createServer(
      {
        key: pki.read('ccp-server.key'),
        cert: pki.read('ccp-server.crt'),
        ca: pki.read('test-ca.crt'),
        requestCert: true,
        // CCP checks the certificate itself and answers APPAP306E; a TLS-level refusal would only show as a reset.
        rejectUnauthorized: false,
      },
      (req, res) => {
        const url = new URL(req.url ?? '/', 'https://ccp');
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({ path: `${url.pathname}${url.search}`, clientCn: String(peer.subject?.CN) });
        const reply = (status: number, body: object): void => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (!(req.socket as TLSSocket).authorized) {
          reply(403, { ErrorCode: 'APPAP306E', ErrorMsg: 'App failed on authentication check' });
        } else if (url.searchParams.get('Object') === 'missing') {
          reply(404, {
            ErrorCode: 'APPAP004E',
            ErrorMsg: 'Password object matching query [Safe=Backup;Object=missing] was not found',
          });
        } else if (url.searchParams.get('Object') === 'changing') {
          reply(500, { ErrorCode: 'APPAP282E', ErrorMsg: 'Password is currently being changed by the CPM' });
        } else {
          reply(200, {
            Content: 'ccp-secret-value',
            UserName: 'svc-db',
            Address: 'db.example.com',
            Name: url.searchParams.get('Object'),
            Safe: url.searchParams.get('Safe'),
            Folder: 'Root',
            PasswordChangeInProcess: 'False',
            PolicyID: 'MySQL',
          });
        }
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.dispose();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(pki.dir, { recursive: true, force: true });
  });

  function ccp(overrides: Partial<CcpClientOptions> = {}): CcpClient {
    const client = new CcpClient({
      baseUrl,
      cert: pki.read('app-vault-backup.crt'),
      key: new Secret(pki.read('app-vault-backup.key')),
      ca: pki.read('test-ca.crt'),
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
      ...overrides,
    });
    clients.push(client);
    return client;
  }

  it('retrieves a secret with the client certificate', async () => {
    const secret = await ccp().retrieveSecret({ appId: 'VaultBackup', safe: 'Backup', object: 'db-admin' });
    expect(secret.content).toBeInstanceOf(Secret);
    expect(secret.content.reveal()).toBe('ccp-secret-value');
    expect(secret).toMatchObject({
      userName: 'svc-db',
      name: 'db-admin',
      safe: 'Backup',
      passwordChangeInProcess: false,
      properties: { PolicyID: 'MySQL' },
    });
    expect(JSON.stringify(secret)).not.toContain('ccp-secret-value');
    expect(seen.at(-1)).toEqual({
      path: '/AIMWebService/api/Accounts?AppID=VaultBackup&Safe=Backup&Object=db-admin',
      clientCn: 'app-vault-backup',
    });
  });

  it('maps APPAP004E to account-not-found', async () => {
    const error = await expectRejection(
      ccp().retrieveSecret({ appId: 'VaultBackup', safe: 'Backup', object: 'missing' }),
    );
    expect(error).toBeInstanceOf(CyberArkAccountNotFoundError);
    expect((error as CyberArkAccountNotFoundError).cyberArkCode).toBe('APPAP004E');
  });

  it('maps APPAP282E (CPM change in progress) to a retriable unavailable', async () => {
    const error = await expectRejection(
      ccp().retrieveSecret({ appId: 'VaultBackup', safe: 'Backup', object: 'changing' }),
    );
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
  });

  it('maps the CCP refusing the client certificate (APPAP306E) to auth', async () => {
    const client = ccp({ cert: pki.read('app-rogue.crt'), key: new Secret(pki.read('app-rogue.key')) });
    const error = await expectRejection(
      client.retrieveSecret({ appId: 'VaultBackup', safe: 'Backup', object: 'db-admin' }),
    );
    expect(error).toBeInstanceOf(CyberArkAuthError);
    expect((error as CyberArkAuthError).cyberArkCode).toBe('APPAP306E');
  });

  it('refuses a server certificate it does not trust', async () => {
    const error = await expectRejection(
      ccp({ ca: pki.read('rogue-ca.crt') }).retrieveSecret({
        appId: 'VaultBackup',
        safe: 'Backup',
        object: 'db-admin',
      }),
    );
    expect(error).toBeInstanceOf(CyberArkUnavailableError);
    expect((error as CyberArkUnavailableError).reason).toBe('connect-failed');
  });

  it('refuses characters CCP does not accept before sending', async () => {
    const before = seen.length;
    const error = await expectRejection(
      ccp().retrieveSecret({ appId: 'VaultBackup', safe: 'Backup', object: 'a+b' }),
    );
    expect(error).toBeInstanceOf(CyberArkInvalidRequestError);
    expect(seen.length).toBe(before);
  });

  it('insists on https', () => {
    expect(() => ccp({ baseUrl: baseUrl.replace('https', 'http') })).toThrow(CyberArkInvalidRequestError);
  });
});
