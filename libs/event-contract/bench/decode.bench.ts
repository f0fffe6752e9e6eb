// Measures decodeAccountEvent throughput (decode + validate) for both content modes.
// Run: node -r @swc-node/register libs/event-contract/bench/decode.bench.ts
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AccountEventRecordInput,
  type ContentMode,
  buildAccountEventRecord,
  decodeAccountEvent,
} from '../src';

const ITERATIONS = 100_000;
const WARM_UP = 10_000;

function recordFor(mode: ContentMode): AccountEventRecordInput {
  // A realistic event: every optional field and an encrypted secrets JWE (RSA-2048 wrapped key).
  const example = JSON.parse(
    readFileSync(join(__dirname, '../examples/account-created-encrypted-secrets.json'), 'utf8'),
  ) as {
    data: Parameters<typeof buildAccountEventRecord>[0]['data'];
  };
  const data = {
    ...example.data,
    username: 'cloud-admin',
    phone: '+15551234567',
    originalPhone: '(555) 123-4567',
  };
  const { message } = buildAccountEventRecord(
    {
      type: 'account.updated.v1',
      source: '/services/accounts',
      data,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
    { mode },
  );
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([name, value]) => [name, Buffer.from(value)]),
  );
  return { key: Buffer.from(message.key), value: Buffer.from(message.value), headers };
}

function run(mode: ContentMode): void {
  const record = recordFor(mode);
  for (let i = 0; i < WARM_UP; i += 1) decodeAccountEvent(record);
  const started = performance.now();
  let valid = 0;
  for (let i = 0; i < ITERATIONS; i += 1) if (decodeAccountEvent(record).ok) valid += 1;
  const seconds = (performance.now() - started) / 1000;
  if (valid !== ITERATIONS) throw new Error(`${mode}: ${ITERATIONS - valid} records were rejected`);
  const perSecond = Math.round(ITERATIONS / seconds);
  process.stdout.write(
    `${mode.padEnd(10)} ${ITERATIONS} decodes in ${seconds.toFixed(2)} s = ${perSecond.toLocaleString('en-US')} events/s ` +
      `(${((seconds / ITERATIONS) * 1e6).toFixed(1)} µs each, value ${record.value?.length} bytes)\n`,
  );
}

process.stdout.write(`node ${process.version}\n`);
run('binary');
run('structured');
