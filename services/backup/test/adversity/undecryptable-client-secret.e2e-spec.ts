import { AccountWorkload, uniqueName } from '@vault-backup/testing';
import { AdversityHarness } from './support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from './support/scenario-report';

const SCENARIO_TIMEOUT_MS = 200_000;
/** What a reason must name for an operator to see that the workspace's configuration is at fault. */
const WORKSPACE_PROBLEM = /client.?secret|credential|configuration|decrypt/i;

/**
 * (e) One workspace's stored CyberArk client secret no longer decrypts (encrypted under a key the
 * service does not hold). Its records must end parked or failed with a reason naming that problem —
 * never silently skipped, never written — while the other workspaces, on the same partitions, are
 * backed up as if nothing happened.
 */
describe('adversity (e): a workspace whose stored client secret no longer decrypts', () => {
  let harness: AdversityHarness;
  const healthy = [uniqueName('wse1'), uniqueName('wse2'), uniqueName('wse3')];
  const broken = uniqueName('wse-broken');

  beforeAll(async () => {
    harness = await AdversityHarness.create({ partitions: 2 });
    for (const workspace of [...healthy, broken])
      await harness.enableWorkspace(workspace, uniqueName('tenant-e'));
    await harness.corruptClientSecret(broken);
    await harness.startService();
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it(
    "parks or fails the broken workspace's records with a reason naming it, and backs up the others untouched",
    async () => {
      const workload = new AccountWorkload({
        seed: 505,
        workspaces: [...healthy, broken],
        accountsPerWorkspace: 40,
        versions: 2_000,
        zipfExponent: 0.9,
      });
      const emission = await workload.emit(await harness.rawProducer(), {
        topics: harness.topics,
        ratePerSecond: 150,
        maxDurationMs: 60_000,
      });
      const convergence = await harness.waitForConvergence(workload, {
        timeoutMs: 60_000,
        excludeWorkspaces: [broken],
      });
      const check = await harness.checkHistory(workload, { excludeWorkspaces: [broken] });
      const [writes, pending, failures] = await Promise.all([
        harness.writeLog(),
        harness.pendingRows(),
        harness.failureRows(),
      ]);

      const brokenTenant = harness.tenantOf(broken);
      const brokenWrites = writes.filter((entry) => entry.tenant === brokenTenant);
      const brokenAccounts = workload.expectedAccounts().filter((account) => account.workspaceId === broken);
      const unaccounted = brokenAccounts.flatMap((account) => {
        const parked = pending.find(
          (row) =>
            row.workspace_id === broken &&
            row.account_id === account.accountId &&
            Number(row.version) === account.newestVersion &&
            WORKSPACE_PROBLEM.test(row.last_error_message),
        );
        const failed = failures.find(
          (row) =>
            row.workspace_id === broken &&
            row.account_id === account.accountId &&
            Number(row.version) === account.newestVersion &&
            WORKSPACE_PROBLEM.test(row.error_message),
        );
        return parked || failed ? [] : [account.accountId];
      });
      const reasons = new Set([
        ...pending
          .filter((row) => row.workspace_id === broken)
          .map((row) => `parked: ${row.last_error_message}`),
        ...failures.filter((row) => row.workspace_id === broken).map((row) => `failed: ${row.error_message}`),
      ]);
      printScenarioReport('(e) undecryptable client secret', {
        workload: workload.stats(),
        timings: {
          emission: emission.elapsedMs,
          'convergence of the healthy workspaces': convergence.elapsedMs,
        },
        facts: {
          'broken workspace accounts': brokenAccounts.length,
          'of which not parked/failed with a reason naming the problem': unaccounted.length,
          'reasons seen': [...reasons].slice(0, 3).join(' | ') || 'none',
          'writes to the broken tenant': brokenWrites.length,
          converged: convergence.converged,
          ...convergence.state,
        },
        check,
        stored: await harness.describeStoredState(check.offending.slice(0, 5)),
        logs: harness.serviceLogTail(),
      });

      expect(check.totals).toEqual(ZERO_TOTALS);
      expect(convergence.converged).toBe(true);
      expect(brokenAccounts.length).toBeGreaterThan(0);
      expect(brokenWrites).toEqual([]);
      expect(unaccounted).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
