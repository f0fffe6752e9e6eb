import { Agent, createServer, request, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { Secret } from '@vault-backup/config';
import { CyberArkClient } from './cyberark.client';

const SEQUENTIAL = 1_000;
const CONCURRENT = 2_000;
const SAFE_BODY = JSON.stringify({ safeUrlId: 'Backup', safeName: 'Backup', safeNumber: 7 });
const TOKEN_BODY = JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });

/**
 * Measures what the client itself costs per call (token cache, breaker, retry interceptors, error
 * mapping, JSON mapping) against a server that answers instantly, next to bare axios and plain node:http
 * on the same server. The assertion is deliberately loose; the printed numbers are the result.
 */
describe('client overhead against a 0-latency loopback server', () => {
  let server: Server;
  let origin: string;
  let client: CyberArkClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(req.url?.endsWith('platformtoken') ? TOKEN_BODY : SAFE_BODY);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new CyberArkClient({
      identityUrl: `${origin}/identity`,
      privilegeCloudUrl: `${origin}/pcloud`,
      clientId: 'svc',
      clientSecret: new Secret('s'),
    });
    await client.getSafe('Backup');
  });

  afterAll(async () => {
    client.dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sustains at least several hundred calls per second, sequential and concurrent', async () => {
    const agent = new Agent({ keepAlive: true });
    const raw = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(`${origin}/pcloud/PasswordVault/API/Safes/Backup`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    const bareAxios = axios.create({ httpAgent: agent, maxRedirects: 0 });
    const viaAxios = (): Promise<unknown> => bareAxios.get(`${origin}/pcloud/PasswordVault/API/Safes/Backup`);
    const viaClient = (): Promise<unknown> => client.getSafe('Backup');

    await timeSequential(raw, 300);
    await timeSequential(viaClient, 300);
    await timeSequential(viaAxios, 300);
    const rawSeq = await timeSequential(raw, SEQUENTIAL);
    const clientSeq = await timeSequential(viaClient, SEQUENTIAL);
    const axiosSeq = await timeSequential(viaAxios, SEQUENTIAL);
    const rawPar = await timeConcurrent(raw, CONCURRENT, 50);
    const clientPar = await timeConcurrent(viaClient, CONCURRENT, 50);
    agent.destroy();

    const report = [
      `sequential: client ${perSecond(clientSeq, SEQUENTIAL)} calls/s (${perCallUs(clientSeq, SEQUENTIAL)} us/call), plain node:http ${perSecond(rawSeq, SEQUENTIAL)} calls/s (${perCallUs(rawSeq, SEQUENTIAL)} us/call), bare axios ${perSecond(axiosSeq, SEQUENTIAL)} calls/s (${perCallUs(axiosSeq, SEQUENTIAL)} us/call)`,
      `50 in flight: client ${perSecond(clientPar, CONCURRENT)} calls/s, plain node:http ${perSecond(rawPar, CONCURRENT)} calls/s`,
    ];
    process.stdout.write(report.map((line) => `[measure] ${line}\n`).join(''));
    expect(SEQUENTIAL / (clientSeq / 1_000)).toBeGreaterThan(200);
    expect(CONCURRENT / (clientPar / 1_000)).toBeGreaterThan(200);
  }, 60_000);
});

async function timeSequential(call: () => Promise<unknown>, count: number): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await call();
  return performance.now() - started;
}

async function timeConcurrent(
  call: () => Promise<unknown>,
  count: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      await call();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - started;
}

const perSecond = (elapsedMs: number, count: number): string =>
  Math.round(count / (elapsedMs / 1_000)).toString();
const perCallUs = (elapsedMs: number, count: number): string => ((elapsedMs * 1_000) / count).toFixed(0);
