import {
  AccountWorkload,
  backupAccountName,
  mergeExpectations,
  type PlannedEvent,
  uniqueName,
  waitFor,
} from '@vault-backup/testing';
import { AdversityHarness, type RunningService } from './support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from './support/scenario-report';

const SCENARIO_TIMEOUT_MS = 180_000;

/**
 * (a) Steady load while some CyberArk writes answer later than the batch is willing to wait, so
 * records are parked (the write goes on in the background) and retried by the worker, with
 * duplicates and reordered versions of the same accounts arriving meanwhile. Whatever was parked,
 * no backup may ever go back to an older version, lose the newest, or be dead-lettered.
 *
 * A few writes are committed by CyberArk only after the client gave up on them (a hang past the
 * request timeout that the server still finishes).
 *
 * Next to the random load, one chosen account goes through the parking path step by step: its v2
 * is parked (CyberArk answers 429 with a Retry-After longer than the client waits), then the same
 * v2 record is delivered a second time while it is parked.
 */
describe('adversity (a): steady load with slow-write parking forced', () => {
  let harness: AdversityHarness;
  let service: RunningService;
  const workspaces = [uniqueName('wsa1'), uniqueName('wsa2'), uniqueName('wsa3')];
  const probeWorkspace = uniqueName('wsa-probe');
  const probeTenant = uniqueName('tenant-probe');

  beforeAll(async () => {
    harness = await AdversityHarness.create({
      partitions: 2,
      // A tight, adaptive park deadline: writes slower than a few hundred ms are parked. Parked
      // records wait a little before their first retry, so later deliveries meet them parked.
      env: {
        BACKUP_SLOW_WRITE_PARK_AFTER: '600ms',
        BACKUP_SLOW_WRITE_PARK_MIN: '100ms',
        BACKUP_RETRY_BASE_DELAY: '1s',
        BACKUP_RETRY_MAX_DELAY: '3s',
        // Above the latest a write given up on lands in this scenario (2.6 s).
        BACKUP_ABANDONED_WRITE_SETTLE: '4s',
      },
    });
    for (const workspace of workspaces) {
      const tenant = uniqueName('tenant-a');
      await harness.enableWorkspace(workspace, tenant);
      const control = harness.simulator.control;
      await control.setLatency(tenant, [{ fixedMs: 5, jitterMs: 25, families: ['accounts'] }]);
      // Some writes are committed late (held before the handler), some answered late (held after it).
      await control.addFault(tenant, {
        type: 'timeout',
        answerAfterMs: 1_200,
        rate: 0.05,
        families: ['accounts'],
        methods: ['POST', 'PATCH'],
      });
      // A few are committed after the client (2 s timeout) gave up on them: a late landing must
      // never follow a newer write of the same account.
      await control.addFault(tenant, {
        type: 'timeout',
        answerAfterMs: 2_600,
        rate: 0.02,
        families: ['accounts'],
        methods: ['POST', 'PATCH'],
      });
      await control.addFault(tenant, {
        type: 'delay-after-write',
        delayMs: 1_200,
        rate: 0.05,
        families: ['accounts'],
        methods: ['POST', 'PATCH'],
      });
    }
    await harness.enableWorkspace(probeWorkspace, probeTenant);
    service = await harness.startService();
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'never rolls a backup back, loses or duplicates it, nor dead-letters a valid event',
    async () => {
      const workload = new AccountWorkload({
        seed: 101,
        workspaces,
        accountsPerWorkspace: 60,
        versions: 2_500,
        // Many late duplicates: some arrive while the version they repeat is parked.
        duplicateRate: 0.2,
        duplicateWindow: 300,
      });
      const probe = new AccountWorkload({
        seed: 102,
        workspaces: [probeWorkspace],
        accountsPerWorkspace: 1,
        versions: 2,
        duplicateRate: 0,
        reorderRate: 0,
        crossTopicReorderRate: 0,
        structuredRate: 0,
      });
      const producer = await harness.rawProducer();
      const emitting = workload.emit(producer, {
        topics: harness.topics,
        ratePerSecond: 200,
        maxDurationMs: 60_000,
      });

      const probeName = backupAccountName(probeWorkspace, 'acc-0');
      const emitProbe = () =>
        probe.emit(producer, { topics: harness.topics, ratePerSecond: 100, maxEvents: 1 });
      const parkedProbeVersion = async () =>
        (await harness.pendingRows()).find((row) => row.workspace_id === probeWorkspace)?.version;
      await emitProbe();
      await waitFor(async () => (await harness.writeLog()).some((entry) => entry.accountName === probeName), {
        timeoutMs: 30_000,
        description: 'the chosen account to be created',
      });
      // Its next PATCH is refused with 429 and a Retry-After longer than the client waits: v2 is parked.
      await harness.simulator.control.addFault(probeTenant, {
        type: 'rate-limit',
        retryAfterSeconds: 4,
        families: ['accounts'],
        methods: ['PATCH'],
        count: 2,
      });
      await emitProbe();
      const v2Parked = await waitFor(async () => (await parkedProbeVersion()) === '2', {
        timeoutMs: 30_000,
        intervalMs: 20,
        description: 'v2 to be parked',
      }).catch(() => false);
      // The same v2 record delivered again while it is parked (an ordinary at-least-once redelivery).
      const v2 = probe.plan()[1] as PlannedEvent;
      await producer.send({ topic: harness.topics.updated, messages: [probe.messageOf(v2)] });

      const emission = await emitting;
      const expectations = mergeExpectations(workload, probe);
      const convergence = await harness.waitForConvergence(expectations, { timeoutMs: 90_000 });
      const parked = await harness.metric(service, 'vault_backup_events_processed_total', {
        outcome: 'deferred',
      });
      const check = await harness.checkHistory({
        ...expectations,
        describeDeadLetter: (message) => workload.describeDeadLetter(message),
      });
      const probeHistory = check.accounts.find((account) => account.accountName === probeName);
      printScenarioReport('(a) slow-write parking', {
        workload: workload.stats(),
        timings: {
          emission: emission.elapsedMs,
          'convergence after last send': convergence.elapsedMs,
          'last write after last send': convergence.lastWriteAfterMs,
        },
        facts: {
          'achieved rate/s': emission.achievedRatePerSecond,
          'records parked': parked,
          'chosen account: v2 parked before its redelivery': v2Parked,
          'chosen account writes': (probeHistory?.writes ?? [])
            .map(
              (write) =>
                `${write.operation} p${write.propertiesVersion ?? '-'} s${write.secretVersion ?? '-'}`,
            )
            .join(' → '),
          converged: convergence.converged,
          ...convergence.state,
        },
        check,
        stored: await harness.describeStoredState(check.offending.slice(0, 5)),
        logs: harness.serviceLogTail(),
      });

      expect(emission.complete).toBe(true);
      // The scenario only proves something if records really were parked while their writes went on.
      expect(parked).toBeGreaterThan(0);
      expect(v2Parked).toBe(true);
      expect(check.totals).toEqual(ZERO_TOTALS);
      expect(convergence.converged).toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
