import { MAX_RECORD_VALUE_BYTES } from '@vault-backup/event-contract';
import { AccountWorkload, poisonAroundLimits, type PoisonRecord, uniqueName } from '@vault-backup/testing';
import { AdversityHarness } from './support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from './support/scenario-report';

/** The non-JSON value size of the original bug: forwarded encrypted, it grew past the topic's default limit. */
const ORIGINAL_BUG_VALUE_BYTES = 768 * 1024;

const SCENARIO_TIMEOUT_MS = 200_000;

/**
 * (d) Poison records at and around every size limit — values just over the contract's 1 MiB,
 * non-JSON values at the dead-letter forwarding limit (whose encrypted copy outgrows a topic at the
 * broker's defaults), invalid events with headers so large their dead-letter copy cannot fit —
 * mixed into valid traffic that itself holds records exactly at the limit and with large headers.
 * The dead-letter topic is created at the broker's defaults, as in production. Every poison record
 * must end dead-lettered or recorded as failed with a precise reason, every valid record applied,
 * and the consumer must keep going.
 */
describe('adversity (d): poison records at every size limit, dead-letter topic at broker defaults', () => {
  let harness: AdversityHarness;
  const workspaces = [uniqueName('wsd1'), uniqueName('wsd2'), uniqueName('wsd3')];

  beforeAll(async () => {
    harness = await AdversityHarness.create({ partitions: 2 });
    for (const workspace of workspaces) await harness.enableWorkspace(workspace, uniqueName('tenant-d'));
    await harness.startService();
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'dead-letters or records every poison record with its reason, applies every valid one, and keeps consuming',
    async () => {
      const workload = new AccountWorkload({
        seed: 404,
        workspaces,
        accountsPerWorkspace: 40,
        versions: 1_500,
        bulky: [
          { count: 2, valueBytes: MAX_RECORD_VALUE_BYTES },
          { count: 2, valueBytes: MAX_RECORD_VALUE_BYTES - 1 },
          { count: 2, headerBytes: 900 * 1024 },
        ],
      });
      const limits = {
        maxValueBytes: MAX_RECORD_VALUE_BYTES,
        deadLetterForwardLimit: ORIGINAL_BUG_VALUE_BYTES,
      };
      // Two sets, keyed to accounts of two workspaces, so poison sits on more than one partition.
      const poison: PoisonRecord[] = [
        ...poisonAroundLimits({ workspaceId: workspaces[0], accountId: 'acc-0' }, limits),
        ...poisonAroundLimits({ workspaceId: workspaces[1], accountId: 'acc-3' }, limits).map((record) => ({
          ...record,
          label: `${record.label}#2`,
        })),
      ];
      workload.addPoison(poison, { from: 0.05, to: 0.9 });

      const emission = await workload.emit(await harness.rawProducer(), {
        topics: harness.topics,
        ratePerSecond: 100,
        maxDurationMs: 90_000,
      });
      const convergence = await harness.waitForConvergence(workload, { timeoutMs: 60_000 });
      const check = await harness.checkHistory(workload);
      const [deadLetters, failures] = await Promise.all([
        harness.deadLetterMessages(),
        harness.failureRows(),
      ]);
      const dead = deadLetters.map((message) => workload.describeDeadLetter(message));

      const outcomes = poison.map((record) => {
        const sent = workload.sent().find((entry) => entry.poison === record.label);
        const dlq = dead.find((entry) => entry.poison === record.label);
        const failure = failures.find(
          (row) =>
            sent !== undefined &&
            row.source_topic === sent.topic &&
            row.source_partition === sent.partition &&
            row.source_offset === sent.offset,
        );
        const dlqReason = dlq?.headers['vb-dlq-error-message'];
        const resolved =
          (dlqReason !== undefined && record.expectedReason.test(dlqReason)) ||
          (failure !== undefined && record.expectedReason.test(failure.error_message));
        return {
          label: record.label,
          resolved,
          where: dlq
            ? `dlq(${dlq.headers['vb-dlq-value-encoding'] ?? '?'}): ${dlqReason ?? ''}`
            : failure
              ? `failure record only: ${failure.error_message}`
              : 'nowhere',
        };
      });
      const unresolved = outcomes.filter((outcome) => !outcome.resolved);
      printScenarioReport('(d) poison at size limits', {
        workload: workload.stats(),
        timings: { emission: emission.elapsedMs, 'convergence after last send': convergence.elapsedMs },
        facts: {
          'poison records': poison.length,
          'poison resolved with a precise reason': poison.length - unresolved.length,
          unresolved:
            unresolved
              .slice(0, 6)
              .map((outcome) => `${outcome.label} → ${outcome.where}`)
              .join('; ') + (unresolved.length > 6 ? `; … ${unresolved.length - 6} more` : '') || 'none',
          'dead letters': deadLetters.length,
          'failure records': failures.length,
          converged: convergence.converged,
          ...convergence.state,
        },
        check,
        stored: await harness.describeStoredState(check.offending.slice(0, 5)),
        logs: harness.serviceLogTail(),
      });

      expect(emission.complete).toBe(true);
      expect(unresolved).toEqual([]);
      expect(check.totals).toEqual(ZERO_TOTALS);
      expect(convergence.converged).toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
