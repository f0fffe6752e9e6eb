import { testKafka, uniqueName, waitFor } from '@vault-backup/testing';
import { BackupE2eHarness } from './support/backup-e2e.harness';
import { startServiceProcess } from './support/service-process';

function account(workspaceId: string, accountId: string, version: number, label = `v${version}`) {
  return { workspaceId, accountId, version, provider: 'okta', label, secrets: { password: `pw-${version}` } };
}

async function appliedVersion(
  harness: BackupE2eHarness,
  workspaceId: string,
  accountId: string,
): Promise<number | undefined> {
  const [row] = await harness.database.dataSource.query(
    `SELECT applied_version FROM account_backup_state WHERE workspace_id = $1 AND account_id = $2`,
    [workspaceId, accountId],
  );
  return row ? Number(row.applied_version) : undefined;
}

describe('crashes and shutdown of the real service process', () => {
  let harness: BackupE2eHarness;

  beforeAll(async () => {
    harness = await BackupE2eHarness.create({ partitions: 1 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function killDuringWrite(options: {
    delayMs: number;
    env: Record<string, string>;
  }): Promise<{ workspace: string; tenant: string }> {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    // The simulator stores the new account, then holds the answer: the process dies in that window.
    await harness.simulator.control.addFault(tenant, {
      type: 'delay-after-write',
      delayMs: options.delayMs,
      families: ['accounts'],
      methods: ['POST'],
      count: 1,
    });
    const first = startServiceProcess({ ...harness.env, ...options.env, LOG_LEVEL: 'warn' });
    await harness.emit(account(workspace, 'acc-crash', 1));
    await harness.waitForAccount(
      tenant,
      (a) => a.name === `vb.${workspace}.acc-crash`,
      'the write to land in CyberArk',
      60_000,
    );
    await first.kill('SIGKILL');
    expect(await appliedVersion(harness, workspace, 'acc-crash')).toBeUndefined();
    return { workspace, tenant };
  }

  async function expectExactlyOneBackupAfterRestart(
    workspace: string,
    tenant: string,
    env: Record<string, string>,
  ): Promise<void> {
    const second = startServiceProcess({ ...harness.env, ...env, LOG_LEVEL: 'warn' });
    try {
      await waitFor(async () => (await appliedVersion(harness, workspace, 'acc-crash')) === 1, {
        timeoutMs: 60_000,
        description: 'the interrupted backup to be completed after restart',
      });
      const accounts = await harness.accounts(tenant);
      expect(accounts).toHaveLength(1);
      expect(accounts[0]).toMatchObject({
        platformAccountProperties: { label: 'v1' },
        secretManagement: { automaticManagementEnabled: false },
      });
      expect(accounts[0].secret.reveal()).toBe('pw-1');
    } finally {
      expect(await second.kill('SIGTERM')).toBe(0);
    }
  }

  it('kill -9 between the CyberArk write and the offset commit: redelivered, adopted, exactly one account', async () => {
    // The answer comes before the batch would park the write, so the offset is not committed yet.
    const env = { BACKUP_SLOW_WRITE_PARK_AFTER: '8s', BACKUP_WRITE_LEASE: '16s' };
    const { workspace, tenant } = await killDuringWrite({ delayMs: 3_000, env });
    await expectExactlyOneBackupAfterRestart(workspace, tenant, env);
  });

  it('kill -9 while a slow write was parked and committed: the retry worker completes it, exactly one account', async () => {
    const { workspace, tenant } = await killDuringWrite({ delayMs: 20_000, env: {} });
    await expectExactlyOneBackupAfterRestart(workspace, tenant, {});
  });

  it('SIGTERM drains, commits and leaves the group, exiting 0', async () => {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    const service = startServiceProcess({ ...harness.env, LOG_LEVEL: 'info' });
    await harness.emit(account(workspace, 'acc-term', 1));
    await waitFor(async () => (await appliedVersion(harness, workspace, 'acc-term')) === 1, {
      timeoutMs: 60_000,
      description: 'applied',
    });

    expect(await service.kill('SIGTERM')).toBe(0);
    expect(service.output()).toContain('shut down cleanly');

    const admin = testKafka().admin();
    await admin.connect();
    try {
      const group = await admin.describeGroups([harness.env.KAFKA_GROUP_ID]);
      expect(group.groups[0]?.members).toEqual([]);
      const offsets = await admin.fetchOffsets({
        groupId: harness.env.KAFKA_GROUP_ID,
        topics: [harness.topics.created],
      });
      const ends = await admin.fetchTopicOffsets(harness.topics.created);
      const committed = offsets[0].partitions.map((p) => p.offset).sort();
      expect(committed).toEqual(ends.map((p) => p.high).sort());
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses to start with a bad configuration, with one clear line and exit code 78', async () => {
    const service = startServiceProcess({ ...harness.env, KAFKA_BROKERS: '', HTTP_PORT: 'eighty' });
    expect(await service.exited).toBe(78);
    const fatal = service
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/KAFKA_BROKERS is required/);
    expect(fatal[0]).toMatch(/HTTP_PORT must be an integer/);
  });

  it('says in one line which dependency is unreachable', async () => {
    const service = startServiceProcess({
      ...harness.env,
      DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none',
    });
    expect(await service.exited).toBe(1);
    const output = service.output();
    expect(output).toMatch(/cannot start: postgresql: cannot connect with DATABASE_URL/);
    expect(output).not.toContain('nobody:pw');
    // Only JSON lines, no framework stack trace (Nest's console logger stays silent until pino takes over).
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(lines.filter((line) => line.includes('"level":"fatal"'))).toHaveLength(1);
  });

  it('says in one line that Kafka is unreachable, without hanging', async () => {
    const started = Date.now();
    const service = startServiceProcess({ ...harness.env, KAFKA_BROKERS: '127.0.0.1:1' });
    expect(await service.exited).toBe(1);
    const output = service.output();
    expect(output).toMatch(/cannot start: kafka: cannot reach KAFKA_BROKERS=127\.0\.0\.1:1/);
    // kafkajs' retries are warnings without stacks; the one error-level line is ours, with the fix.
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(lines.filter((line) => /"level":"(error|fatal)"/.test(line))).toHaveLength(1);
    expect(output).not.toContain('"stack"');
    console.info(`unreachable Kafka reported after ${Date.now() - started} ms`);
  });
});
