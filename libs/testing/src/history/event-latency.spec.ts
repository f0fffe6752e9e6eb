import { type WriteLogEntry } from '../cyberark-simulator/simulator-control.types';
import { AccountWorkload, expectedPlatformProperties, passwordOf } from './account-workload';
import { eventToSafeLatencies, percentile } from './event-latency';
import { sha256Hex } from './history.types';

const workload = new AccountWorkload({ seed: 1, workspaces: ['ws'], accountsPerWorkspace: 1, versions: 3 });
const T0 = Date.UTC(2026, 0, 1);

function entry(
  seq: number,
  atMs: number,
  operation: WriteLogEntry['operation'],
  version: number,
): WriteLogEntry {
  return {
    seq,
    time: new Date(T0 + atMs).toISOString(),
    monotonicMs: atMs,
    tenant: 't',
    operation,
    safeName: 'Safe',
    accountName: 'vb.ws.acc-0',
    accountId: '1_1',
    properties: expectedPlatformProperties('ws', 'acc-0', version),
    secretDigest: sha256Hex(passwordOf('acc-0', version)),
  };
}

describe('eventToSafeLatencies', () => {
  it('ends a version when both its properties and its secret (or newer ones) are in the safe', () => {
    const writes = [
      entry(1, 100, 'add', 1),
      { ...entry(2, 300, 'patch', 3), secretDigest: sha256Hex(passwordOf('acc-0', 1)) },
      entry(3, 450, 'password-update', 3),
    ];
    const ref = (version: number) => ({ workspaceId: 'ws', accountId: 'acc-0', version });
    const latencies = eventToSafeLatencies(
      writes,
      [
        { ref: ref(1), sentAtMs: T0 + 50 },
        { ref: ref(2), sentAtMs: T0 + 200 },
        { ref: ref(3), sentAtMs: T0 + 250 },
        { ref: ref(1), sentAtMs: T0 + 500 },
      ],
      workload,
    );
    expect(latencies.map((latency) => latency.latencyMs)).toEqual([50, 250, 200, 0]);
    const never = eventToSafeLatencies([], [{ ref: ref(1), sentAtMs: T0 }], workload);
    expect(never[0]?.latencyMs).toBeUndefined();
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([], 95)).toBeNaN();
  });
});
