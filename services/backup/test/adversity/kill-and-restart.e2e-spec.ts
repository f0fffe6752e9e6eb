import {
  AccountWorkload,
  backupAccountName,
  mergeExpectations,
  uniqueName,
  waitFor,
  type WriteLogEntry,
} from '@vault-backup/testing';
import { AdversityHarness, type RunningService } from './support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from './support/scenario-report';

const SCENARIO_TIMEOUT_MS = 200_000;

/**
 * (b) The service process is killed with SIGKILL three times while events flow, and restarted each
 * time. One kill lands between a properties PATCH (committed in CyberArk, its answer held back) and
 * the Password/Update that should follow it. After each restart the service must finish what the
 * dead process left half-done, from whatever it stored, without a rollback, a stale diff, a second
 * account or a dead letter.
 */
describe('adversity (b): kill -9 three times during the run, once between PATCH and Password/Update', () => {
  let harness: AdversityHarness;
  const workspaces = [uniqueName('wsb1'), uniqueName('wsb2'), uniqueName('wsb3')];
  const probeWorkspace = uniqueName('wsb-probe');
  const probeTenant = uniqueName('tenant-probe');

  beforeAll(async () => {
    harness = await AdversityHarness.create({
      partitions: 2,
      // Batches wait long enough for a write that the kill lands before the record could be parked:
      // the interrupted batch is redelivered after the restart, never committed.
      env: {
        BACKUP_SLOW_WRITE_PARK_AFTER: '3s',
        BACKUP_SLOW_WRITE_PARK_MIN: '2s',
        BACKUP_WRITE_LEASE: '11s',
        // A killed member leaves the group as soon as the broker allows (group.min.session.timeout.ms).
        KAFKA_SESSION_TIMEOUT: '6s',
        KAFKA_REBALANCE_TIMEOUT: '6s',
      },
    });
    for (const workspace of workspaces) await harness.enableWorkspace(workspace, uniqueName('tenant-b'));
    await harness.enableWorkspace(probeWorkspace, probeTenant);
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'finishes what each killed process left half-done, with no rollback, loss, duplicate or dead letter',
    async () => {
      const workload = new AccountWorkload({
        seed: 202,
        workspaces,
        accountsPerWorkspace: 60,
        versions: 2_500,
      });
      // The chosen account: alone in its tenant, so a PATCH fault there can only hit it.
      const probe = new AccountWorkload({
        seed: 203,
        workspaces: [probeWorkspace],
        accountsPerWorkspace: 1,
        versions: 3,
        duplicateRate: 0,
        reorderRate: 0,
        crossTopicReorderRate: 0,
        structuredRate: 0,
      });
      const probeName = backupAccountName(probeWorkspace, 'acc-0');
      const producer = await harness.rawProducer();
      const total = workload.plan().length;
      const kills: { atMs: number; sent: number; what: string }[] = [];
      let service: RunningService = await harness.startService();
      const restart = async (what: string, whileDown?: () => Promise<void>) => {
        const atMs = Date.now();
        await service.process.kill('SIGKILL');
        kills.push({ atMs, sent: workload.sentCount(), what });
        await whileDown?.();
        service = await harness.startService();
      };
      const probeWrites = async (): Promise<WriteLogEntry[]> =>
        (await harness.writeLog()).filter((entry) => entry.accountName === probeName);

      const emitting = workload.emit(producer, { topics: harness.topics, ratePerSecond: 80 });

      await waitFor(() => workload.sentCount() >= total * 0.15, {
        timeoutMs: 60_000,
        description: '15% sent',
      });
      await restart('plain');

      await probe.emit(producer, { topics: harness.topics, ratePerSecond: 100, maxEvents: 1 });
      await waitFor(async () => (await probeWrites()).some((entry) => entry.operation === 'add'), {
        timeoutMs: 60_000,
        description: 'the chosen account to be created',
      });
      // CyberArk commits the next PATCH, then holds its answer: the Password/Update cannot follow yet.
      await harness.simulator.control.addFault(probeTenant, {
        type: 'delay-after-write',
        delayMs: 60_000,
        families: ['accounts'],
        methods: ['PATCH'],
        count: 1,
      });
      await probe.emit(producer, { topics: harness.topics, ratePerSecond: 100, maxEvents: 1 });
      const patched = await waitFor(
        async () => (await probeWrites()).find((entry) => entry.operation === 'patch'),
        { timeoutMs: 60_000, intervalMs: 20, description: 'the PATCH of v2 to be committed' },
      );
      let halfDone: WriteLogEntry[] = [];
      await restart('between PATCH and Password/Update', async () => {
        halfDone = (await probeWrites()).filter((entry) => entry.seq >= patched.seq);
      });

      // The half-done write must be finished from what the restarted process finds: the secret of v2.
      const finishedAtMs = await waitFor(
        async () =>
          (await probeWrites()).some(
            (entry) =>
              entry.seq > patched.seq &&
              entry.secretDigest !== null &&
              probe.versionOfSecretDigest('acc-0', entry.secretDigest) === 2,
          ) && Date.now(),
        { timeoutMs: 60_000, description: 'the interrupted v2 to be finished' },
      ).catch(() => undefined);
      const halfDoneFinishedAfterMs =
        finishedAtMs === undefined ? undefined : finishedAtMs - (kills[1]?.atMs ?? 0);
      await waitFor(() => workload.sentCount() >= total * 0.8, {
        timeoutMs: 60_000,
        description: '80% sent',
      });
      await restart('plain');
      const lastKillAtMs = Date.now();
      const emission = await emitting;
      await probe.emit(producer, { topics: harness.topics, ratePerSecond: 100 });

      const expectations = mergeExpectations(workload, probe);
      const convergence = await harness.waitForConvergence(expectations, {
        timeoutMs: 90_000,
        sinceMs: lastKillAtMs,
      });
      const check = await harness.checkHistory({
        ...expectations,
        describeDeadLetter: (message) => workload.describeDeadLetter(message),
      });
      const probeHistory = check.accounts.find((account) => account.accountName === probeName);
      printScenarioReport('(b) kill -9 ×3', {
        workload: workload.stats(),
        timings: {
          emission: emission.elapsedMs,
          'convergence after the last kill': convergence.elapsedMs,
          'last write after the last kill': convergence.lastWriteAfterMs,
          'half-done v2 finished after its kill': halfDoneFinishedAfterMs,
        },
        facts: {
          kills: kills.map((kill) => `${kill.what} at ${kill.sent}/${total} sent`).join('; '),
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

      // The second kill really fell between the two writes: properties at v2, secret still at v1.
      expect(halfDone.map((entry) => entry.operation)).toEqual(['patch']);
      expect(probe.versionOfProperties(patched.properties)).toBe(2);
      expect(probe.versionOfSecretDigest('acc-0', patched.secretDigest ?? '')).toBe(1);
      expect(halfDoneFinishedAfterMs).toBeDefined();
      expect(kills).toHaveLength(3);
      expect(check.totals).toEqual(ZERO_TOTALS);
      expect(convergence.converged).toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
