import { uniqueName, waitFor } from '@vault-backup/testing';
import { BackupE2eHarness, PLATFORM, SAFE } from './support/backup-e2e.harness';

function account(
  workspaceId: string,
  accountId: string,
  version: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    workspaceId,
    accountId,
    version,
    provider: 'github',
    label: `label v${version}`,
    url: 'https://github.com/login',
    username: 'octo',
    email: 'octo@example.com',
    secrets: {
      password: `pw-v${version}`,
      totpSecret: 'JBSWY3DPEHPK3PXP',
      backupCodes: ['111-111', '222-222'],
    },
    ...overrides,
  };
}

describe('backup pipeline end to end (real Kafka + PostgreSQL + CyberArk simulator)', () => {
  let harness: BackupE2eHarness;

  beforeAll(async () => {
    harness = await BackupE2eHarness.create();
    await harness.startService();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('backs up a created account, then applies an update with minimal writes', async () => {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    await harness.emit(account(workspace, 'acc-1', 1));
    const created = await harness.waitForAccount(
      tenant,
      (a) => a.name === `vb.${workspace}.acc-1`,
      'the created backup',
    );
    expect(created).toMatchObject({
      safeName: SAFE,
      platformId: PLATFORM,
      address: 'github.com',
      userName: 'octo',
      platformAccountProperties: {
        accountId: 'acc-1',
        provider: 'github',
        label: 'label v1',
        url: 'https://github.com/login',
        email: 'octo@example.com',
        totpSecret: 'JBSWY3DPEHPK3PXP',
        backupCodes: '["111-111","222-222"]',
      },
      secretManagement: { automaticManagementEnabled: false },
    });
    expect(created.secret.reveal()).toBe('pw-v1');

    const before = (await harness.simulator.control.readRequests({ tenant })).cursor;
    await harness.emit(
      account(workspace, 'acc-1', 2, { label: 'renamed', email: undefined, secrets: { password: 'pw-v2' } }),
    );
    const updated = await harness.waitForAccount(
      tenant,
      (a) => a.platformAccountProperties.label === 'renamed',
      'the update',
    );
    // A property and two secret properties removed at the source are removed in CyberArk.
    expect(updated.platformAccountProperties).not.toHaveProperty('email');
    expect(updated.platformAccountProperties).not.toHaveProperty('totpSecret');
    expect(updated.platformAccountProperties).not.toHaveProperty('backupCodes');
    expect(updated.secret.reveal()).toBe('pw-v2');
    const writes = (await harness.simulator.control.readRequests({ tenant, since: before })).entries.filter(
      (entry) => entry.family === 'accounts' && entry.method !== 'GET',
    );
    // One PATCH for the properties, one Password/Update for the new secret, no lookups.
    expect(writes.map((entry) => entry.method)).toEqual(['PATCH', 'POST']);
    expect(await harness.accounts(tenant)).toHaveLength(1);
  });

  it('ends with the highest version when versions arrive out of order or twice', async () => {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    await harness.emit([
      account(workspace, 'acc-ooo', 3),
      account(workspace, 'acc-ooo', 1),
      account(workspace, 'acc-ooo', 2),
    ]);
    await harness.emit(account(workspace, 'acc-ooo', 3), { id: 'same-event' });
    await harness.emit(account(workspace, 'acc-ooo', 3), { id: 'same-event' });
    await harness.waitForAccount(
      tenant,
      (a) => a.platformAccountProperties.label === 'label v3',
      'version 3',
    );
    await waitFor(
      async () => {
        const [row] = await harness.database.dataSource.query(
          `SELECT applied_version FROM account_backup_state WHERE workspace_id = $1 AND account_id = 'acc-ooo'`,
          [workspace],
        );
        return row?.applied_version === '3';
      },
      { description: 'state at version 3' },
    );
    // Give the older versions every chance to (wrongly) land.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const accounts = await harness.accounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0].platformAccountProperties.label).toBe('label v3');
    expect(accounts[0].secret.reveal()).toBe('pw-v3');
  });

  it('skips events of a workspace without an active configuration, and counts them', async () => {
    const workspace = uniqueName('ws-unconfigured');
    await harness.emit(account(workspace, 'acc-1', 1));
    await waitFor(
      async () => {
        const [row] = await harness.database.dataSource.query(
          `SELECT skipped_count FROM skipped_event_stats WHERE workspace_id = $1`,
          [workspace],
        );
        return row?.skipped_count === '1';
      },
      { description: 'skip recorded' },
    );
  });

  it('accepts structured-mode CloudEvents as well as binary mode', async () => {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    await harness.emit(account(workspace, 'acc-structured', 1), { mode: 'structured' });
    await harness.waitForAccount(
      tenant,
      (a) => a.name === `vb.${workspace}.acc-structured`,
      'structured event applied',
    );
  });

  it('writes no secret for a metadata-only workspace', async () => {
    const workspace = uniqueName('ws');
    const tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant, { metadataOnly: true });
    await harness.emit(account(workspace, 'acc-meta', 1));
    const backup = await harness.waitForAccount(
      tenant,
      (a) => a.name === `vb.${workspace}.acc-meta`,
      'metadata backup',
    );
    expect(backup.secret.reveal()).toBe('');
    expect(backup.platformAccountProperties).not.toHaveProperty('totpSecret');
    expect(backup.platformAccountProperties).not.toHaveProperty('backupCodes');
    expect(backup.platformAccountProperties.label).toBe('label v1');
  });

  it('serves health and the pipeline metrics', async () => {
    const ready = await fetch(`${harness.baseUrl()}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { postgresql: { status: 'ok' }, kafka: { status: 'ok' }, consumer: { status: 'ok' } },
    });
    const live = await fetch(`${harness.baseUrl()}/health/live`);
    expect(live.status).toBe(200);
    const metrics = await (await fetch(`${harness.baseUrl()}/metrics`)).text();
    expect(metrics).toMatch(/vault_backup_events_processed_total\{topic="[^"]+",outcome="applied"\} \d+/);
    expect(metrics).toContain('vault_backup_cyberark_request_duration_seconds_bucket');
    expect(metrics).toContain('vault_backup_consumer_up 1');
  });
});
