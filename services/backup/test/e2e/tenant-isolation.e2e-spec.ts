import { uniqueName, waitFor } from '@vault-backup/testing';
import { BackupE2eHarness } from './support/backup-e2e.harness';

interface Sample {
  readonly emittedAt: number;
  seenAt?: number;
}

function account(workspaceId: string, accountId: string) {
  return {
    workspaceId,
    accountId,
    version: 1,
    provider: 'aws',
    label: accountId,
    secrets: { password: `pw-${accountId}` },
  };
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? Number.NaN;
}

/**
 * Tenant A's CyberArk hangs (every call times out) while tenant B's answers normally, on ONE shared
 * partition. B's backups must keep flowing without waiting for A's timeouts (head-of-line
 * blocking); A's wait durably and flow again by themselves once A recovers, with no dead letters.
 */
describe('one tenant failing does not slow another (single shared partition)', () => {
  let harness: BackupE2eHarness;
  let workspaceA: string;
  let workspaceB: string;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    harness = await BackupE2eHarness.create({ partitions: 1 });
    [workspaceA, workspaceB, tenantA, tenantB] = [
      uniqueName('ws-a'),
      uniqueName('ws-b'),
      uniqueName('tenant-a'),
      uniqueName('tenant-b'),
    ];
    await harness.enableWorkspace(workspaceA, tenantA);
    await harness.enableWorkspace(workspaceB, tenantB);
    await harness.startService();
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function emitAndTrack(
    events: { workspace: string; tenant: string; accountId: string }[],
    paceMs: number,
  ) {
    const samples = new Map<string, Sample>();
    const polling = setInterval(() => {
      void (async () => {
        for (const tenant of new Set(events.map((event) => event.tenant))) {
          for (const backup of await harness.accounts(tenant)) {
            const sample = samples.get(backup.name);
            if (sample && sample.seenAt === undefined) sample.seenAt = Date.now();
          }
        }
      })().catch(() => undefined);
    }, 25);
    for (const event of events) {
      samples.set(`vb.${event.workspace}.${event.accountId}`, { emittedAt: Date.now() });
      await harness.emit(account(event.workspace, event.accountId));
      await new Promise((resolve) => setTimeout(resolve, paceMs));
    }
    return { samples, stop: () => clearInterval(polling) };
  }

  it('keeps tenant B at its normal latency while tenant A times out, then catches A up by itself', async () => {
    // Both tenants are healthy at first (so the service knows how fast each usually answers).
    const baseline = await emitAndTrack(
      Array.from({ length: 10 }, (_, i) => [
        { workspace: workspaceA, tenant: tenantA, accountId: `base-a-${i}` },
        { workspace: workspaceB, tenant: tenantB, accountId: `base-${i}` },
      ]).flat(),
      50,
    );
    await waitFor(() => [...baseline.samples.values()].every((sample) => sample.seenAt !== undefined), {
      description: 'baseline applied',
    });
    baseline.stop();
    const baselineP95 = p95(
      [...baseline.samples.entries()]
        .filter(([name]) => name.startsWith(`vb.${workspaceB}.`))
        .map(([, s]) => s.seenAt! - s.emittedAt),
    );

    await harness.simulator.control.addFault(tenantA, { type: 'timeout', families: ['accounts'] });
    const mixed = await emitAndTrack(
      Array.from({ length: 20 }, (_, i) => [
        { workspace: workspaceA, tenant: tenantA, accountId: `a-${i}` },
        { workspace: workspaceB, tenant: tenantB, accountId: `b-${i}` },
      ]).flat(),
      50,
    );
    const bSamples = () =>
      [...mixed.samples.entries()]
        .filter(([name]) => name.startsWith(`vb.${workspaceB}.`))
        .map(([, sample]) => sample);
    await waitFor(() => bSamples().every((sample) => sample.seenAt !== undefined), {
      timeoutMs: 60_000,
      description: "all of B's backups",
    });
    mixed.stop();
    const underFailureP95 = p95(bSamples().map((sample) => sample.seenAt! - sample.emittedAt));
    // Without parking, every batch holding an A record would wait for A's timeouts (2 s per attempt,
    // two attempts). B's latency may grow by at most the (adaptive) park deadline, never by A's timeouts.
    expect(underFailureP95).toBeLessThan(baselineP95 + 1_000);
    console.info(
      `tenant B p95 latency: ${baselineP95} ms alone, ${underFailureP95} ms while tenant A times out`,
    );

    const parked = await harness.database.dataSource.query(
      `SELECT count(*)::int AS n FROM pending_backup WHERE workspace_id = $1`,
      [workspaceA],
    );
    expect(parked[0].n).toBeGreaterThan(0);

    await harness.simulator.control.clearFaults(tenantA);
    await waitFor(async () => (await harness.accounts(tenantA)).length === 30, {
      timeoutMs: 90_000,
      description: "A's backups after recovery",
    });
    await waitFor(
      async () =>
        (await harness.database.dataSource.query(`SELECT count(*)::int AS n FROM pending_backup`))[0].n === 0,
      { timeoutMs: 30_000, description: 'no parked backups left' },
    );
    const failures = await harness.database.dataSource.query(`SELECT count(*)::int AS n FROM backup_failure`);
    expect(failures[0].n).toBe(0);
    expect(await harness.accounts(tenantA)).toHaveLength(30);
  });
});
