import {
  AccountWorkload,
  eventToSafeLatencies,
  percentile,
  type SentRecord,
  uniqueName,
} from '@vault-backup/testing';
import { AdversityHarness } from './support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from './support/scenario-report';

const SCENARIO_TIMEOUT_MS = 200_000;
/** B's p95 during A's outage may be at most twice its baseline plus this (2 shared cores, a busy test host). */
const P95_ALLOWANCE_MS = 1_000;

/**
 * (c) Tenant A's CyberArk goes down for a stretch, in two shapes — first its writes (POST and PATCH)
 * hang until the client gives up and everything else answers 503; then a 429 storm, connections
 * reset mid-request and a slow token endpoint — while tenants B and C keep flowing on the same
 * partitions. B's event → safe latency must stay near its baseline; A must catch up by itself
 * once it recovers; and the history must stay clean for everyone.
 */
describe('adversity (c): one tenant down, the others flow on shared partitions', () => {
  let harness: AdversityHarness;
  const [workspaceA, workspaceB, workspaceC] = [
    uniqueName('wsc-a'),
    uniqueName('wsc-b'),
    uniqueName('wsc-c'),
  ];
  const tenantA = uniqueName('tenant-ca');

  beforeAll(async () => {
    // A batch holding one of A's records may wait at most the (adaptive) park deadline before
    // parking it: by design that is all A's outage may add to B's latency, so it is kept short. A's
    // hanging calls take the client's whole timeout, made long here, so that anything waiting for
    // them (rather than for the park deadline) stands out far beyond the bound.
    harness = await AdversityHarness.create({
      partitions: 2,
      env: {
        BACKUP_SLOW_WRITE_PARK_AFTER: '500ms',
        BACKUP_SLOW_WRITE_PARK_MIN: '100ms',
        CYBERARK_REQUEST_TIMEOUT: '4s',
        BACKUP_WRITE_LEASE: '15s',
      },
    });
    await harness.enableWorkspace(workspaceA, tenantA);
    await harness.enableWorkspace(workspaceB, uniqueName('tenant-cb'));
    await harness.enableWorkspace(workspaceC, uniqueName('tenant-cc'));
    await harness.startService();
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'keeps B near its baseline latency while A is down, drains A after recovery, and keeps every history clean',
    async () => {
      const workload = new AccountWorkload({
        seed: 303,
        workspaces: [workspaceA, workspaceB, workspaceC],
        accountsPerWorkspace: 50,
        versions: 3_000,
        // Popularity is spread evenly over the three tenants, so each carries its share.
        zipfExponent: 0.8,
      });
      const producer = await harness.rawProducer();
      const emit = (maxEvents?: number) =>
        workload.emit(producer, {
          topics: harness.topics,
          ratePerSecond: 150,
          ...(maxEvents ? { maxEvents } : {}),
        });

      // The first half of the baseline warms the service up (JIT, connections, tokens) and is not measured.
      const warmUp = await emit(450);
      const steadyFromMs = Date.now();
      const steady = await emit(450);
      const baseline = { sent: warmUp.sent + steady.sent };
      const outageStartMs = Date.now();
      const control = harness.simulator.control;
      // First half: writes hang until the client gives up, everything else answers 503.
      await control.addFault(tenantA, {
        type: 'timeout',
        families: ['accounts'],
        methods: ['POST', 'PATCH'],
      });
      await control.addFault(tenantA, {
        type: 'http-error',
        status: 503,
        families: ['token', 'accounts', 'safes', 'platforms'],
      });
      const firstHalf = await emit(750);
      // Second half: a 429 storm with a long Retry-After, connections reset mid-request, a slow token endpoint.
      await control.clearFaults(tenantA);
      await control.addFault(tenantA, { type: 'timeout', answerAfterMs: 3_000, families: ['token'] });
      await control.addFault(tenantA, {
        type: 'connection-reset',
        rate: 0.5,
        families: ['accounts'],
      });
      await control.addFault(tenantA, { type: 'rate-limit', retryAfterSeconds: 3, families: ['accounts'] });
      const secondHalf = await emit(750);
      const outage = { sent: firstHalf.sent + secondHalf.sent };
      await control.clearFaults(tenantA);
      const recoveredAtMs = Date.now();
      const recovery = await emit();

      const convergence = await harness.waitForConvergence(workload, {
        timeoutMs: 90_000,
        sinceMs: recoveredAtMs,
      });
      const check = await harness.checkHistory(workload);

      const sent = workload.sent();
      const writes = await harness.writeLog();
      const latencyOf = (workspace: string, from: number, to: number) =>
        eventToSafeLatencies(writes, firstDeliveries(sent, workspace, from, to), workload);
      const p95Of = (workspace: string, from: number, to: number) =>
        percentile(
          latencyOf(workspace, from, to).flatMap((event) =>
            event.latencyMs === undefined ? [] : [event.latencyMs],
          ),
          95,
        );
      const bBaseline = p95Of(workspaceB, steadyFromMs, outageStartMs);
      const bDuring = p95Of(workspaceB, outageStartMs, recoveredAtMs);
      const cBaseline = p95Of(workspaceC, steadyFromMs, outageStartMs);
      const cDuring = p95Of(workspaceC, outageStartMs, recoveredAtMs);
      const aBacklog = latencyOf(workspaceA, 0, recoveredAtMs);
      const aDrainedAtMs = Math.max(
        ...aBacklog.map((event) => event.sentAtMs + (event.latencyMs ?? Infinity)),
      );
      const bound = 2 * bBaseline + P95_ALLOWANCE_MS;
      // Where B's slow events were: the worst latency of B's events sent in each second of the outage.
      const bWorstPerSecond = new Map<number, number>();
      for (const event of latencyOf(workspaceB, outageStartMs, recoveredAtMs)) {
        const second = Math.floor((event.sentAtMs - outageStartMs) / 1000);
        bWorstPerSecond.set(second, Math.max(bWorstPerSecond.get(second) ?? 0, event.latencyMs ?? Infinity));
      }
      printScenarioReport('(c) tenant outage isolation', {
        workload: workload.stats(),
        timings: {
          'B p95 baseline': bBaseline,
          'B p95 during A outage': bDuring,
          'B p95 bound (2× baseline + 1 s)': bound,
          'C p95 baseline': cBaseline,
          'C p95 during A outage': cDuring,
          'A drain after recovery': aDrainedAtMs - recoveredAtMs,
          'outage length': recoveredAtMs - outageStartMs,
          'convergence after recovery': convergence.elapsedMs,
        },
        facts: {
          'records sent (baseline/outage/recovery)': `${baseline.sent}/${outage.sent}/${recovery.sent}`,
          'A events waiting at recovery': aBacklog.length,
          'B worst latency per second of the outage (ms)': [...bWorstPerSecond.values()].join(' '),
          converged: convergence.converged,
          ...convergence.state,
        },
        check,
        stored: await harness.describeStoredState(check.offending.slice(0, 5)),
        logs: harness.serviceLogTail(),
      });

      expect(check.totals).toEqual(ZERO_TOTALS);
      expect(convergence.converged).toBe(true);
      expect(Number.isFinite(aDrainedAtMs)).toBe(true);
      expect(bDuring).toBeLessThanOrEqual(bound);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

/** Events of one workspace first sent in [fromMs, toMs) — not the duplicates, whose version may long be in the safe. */
function firstDeliveries(sent: readonly SentRecord[], workspaceId: string, fromMs: number, toMs: number) {
  return sent.flatMap((record) =>
    record.ref &&
    !record.duplicate &&
    record.ref.workspaceId === workspaceId &&
    record.sentAtMs >= fromMs &&
    record.sentAtMs < toMs
      ? [{ ref: record.ref, sentAtMs: record.sentAtMs }]
      : [],
  );
}
