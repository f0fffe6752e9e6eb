/**
 * Measures the simulator's throughput ceiling on loopback: POST /Accounts, then PATCH /Accounts/{id}.
 * The simulator runs as its own process (one Node thread = one core); the load comes from this one.
 * Reports wall-clock req/s and req per CPU-second of the simulator process (its 1-core ceiling).
 *
 *   [BENCH_SIMULATOR_CORE=0] node -r @swc-node/register services/cyberark-simulator/scripts/bench.ts [requests] [concurrency]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const TOTAL = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const TENANT = 'bench';
const CLIENT_ID = 'bench@cyberark.cloud.1';
const CLIENT_SECRET = 'bench-only-secret';

interface Reply {
  status: number;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function call(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** User + system CPU seconds consumed so far by a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function run(
  label: string,
  pid: number,
  task: (index: number) => Promise<Reply>,
  expected: number,
): Promise<void> {
  let next = 0;
  let failures = 0;
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < TOTAL) {
      const reply = await task(next++);
      if (reply.status !== expected) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const line = {
    label,
    requests: TOTAL,
    concurrency: CONCURRENCY,
    failures,
    wallSeconds: Number(seconds.toFixed(2)),
    reqPerSecond: Math.round(TOTAL / seconds),
    simulatorCpuSeconds: Number(cpu.toFixed(2)),
    reqPerSimulatorCpuSecond: Math.round(TOTAL / cpu),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const entry = [process.execPath, '-r', '@swc-node/register', 'services/cyberark-simulator/src/main.ts'];
  // BENCH_SIMULATOR_CORE=0 pins the simulator to one core (Linux taskset) so the number is a 1-core ceiling.
  const core = process.env.BENCH_SIMULATOR_CORE;
  const [command = '', ...args] = core === undefined ? entry : ['taskset', '-c', core, ...entry];
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      SIMULATOR_PORT: '0',
      SIMULATOR_CCP_ENABLED: 'false',
      SIMULATOR_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve) => {
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as { event?: string; httpPort?: number };
      if (parsed.event === 'cyberark-simulator.listening' && parsed.httpPort) resolve(parsed.httpPort);
    });
  });
  const pid = child.pid as number;
  try {
    await call(port, 'PUT', `/_control/tenants/${TENANT}`, '{}');
    await call(
      port,
      'PUT',
      `/_control/tenants/${TENANT}/service-accounts/${encodeURIComponent(CLIENT_ID)}`,
      JSON.stringify({ clientSecret: CLIENT_SECRET }),
    );
    await call(
      port,
      'PUT',
      `/_control/tenants/${TENANT}/platforms/UnixSSH`,
      JSON.stringify({ required: ['Address', 'Username'], optional: ['Port', 'Comment'] }),
    );
    const all = {
      listAccounts: true,
      addAccounts: true,
      updateAccountProperties: true,
      updateAccountContent: true,
    };
    await call(
      port,
      'PUT',
      `/_control/tenants/${TENANT}/safes/Bench`,
      JSON.stringify({ members: [{ memberName: CLIENT_ID, permissions: all }] }),
    );
    const form = `grant_type=client_credentials&client_id=${encodeURIComponent(CLIENT_ID)}&client_secret=${CLIENT_SECRET}`;
    const token = JSON.parse(
      (
        await call(port, 'POST', `/t/${TENANT}/identity/oauth2/platformtoken`, form, {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).body,
    ) as { access_token: string };
    const auth = { authorization: `Bearer ${token.access_token}` };
    const accounts = `/t/${TENANT}/pcloud/PasswordVault/API/Accounts`;
    const ids: string[] = [];
    await run(
      'POST /Accounts',
      pid,
      async (index) => {
        const body = JSON.stringify({
          safeName: 'Bench',
          platformId: 'UnixSSH',
          name: `acc-${index}`,
          address: `h${index}`,
          userName: 'root',
          secret: 's',
          platformAccountProperties: { Port: '22' },
        });
        const reply = await call(port, 'POST', accounts, body, auth);
        ids[index] = (JSON.parse(reply.body) as { id: string }).id;
        return reply;
      },
      201,
    );
    await run(
      'PATCH /Accounts/{id}',
      pid,
      (index) => {
        const body = JSON.stringify([
          { op: 'replace', path: '/address', value: `h${index}-b` },
          { op: 'add', path: '/platformAccountProperties/Comment', value: 'c' },
        ]);
        return call(port, 'PATCH', `${accounts}/${ids[index % ids.length] ?? ''}`, body, auth);
      },
      200,
    );
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
