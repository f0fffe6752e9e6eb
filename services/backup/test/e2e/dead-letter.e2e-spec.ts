import { type KafkaMessage } from 'kafkajs';
import { uniqueName, waitFor } from '@vault-backup/testing';
import { DEAD_LETTER_CIPHER_CONTEXT } from '../../src/kafka/dead-letter.format';
import { BACKUP_PLATFORM_PROPERTIES } from '../../src/pipeline/mapping/backup-properties';
import { BackupE2eHarness } from './support/backup-e2e.harness';

const PLAINTEXT_PASSWORD = 'plaintext-pw-must-never-reach-the-dlq';

function account(workspaceId: string, accountId: string, version = 1, extra: Record<string, unknown> = {}) {
  return { workspaceId, accountId, version, provider: 'slack', label: 'Slack', ...extra };
}

function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

describe('dead-lettering permanent failures (real Kafka dead-letter topic)', () => {
  let harness: BackupE2eHarness;
  let workspace: string;
  let strictWorkspace: string;
  let narrowWorkspace: string;
  let tenant: string;
  const dead: KafkaMessage[] = [];

  beforeAll(async () => {
    harness = await BackupE2eHarness.create({ partitions: 1 });
    workspace = uniqueName('ws');
    strictWorkspace = uniqueName('ws-strict');
    narrowWorkspace = uniqueName('ws-narrow');
    tenant = uniqueName('tenant');
    await harness.enableWorkspace(workspace, tenant);
    await harness.enableWorkspace(strictWorkspace, uniqueName('tenant'), { allowPlaintextSecrets: false });
    // A platform that lacks totpSecret: CyberArk rejects the property, a permanent failure.
    await harness.enableWorkspace(narrowWorkspace, uniqueName('tenant'), {
      platformOptional: BACKUP_PLATFORM_PROPERTIES.filter((name) => name !== 'totpSecret'),
    });
    await harness.startService();

    const valid = account(workspace, 'acc-valid');
    const validHeaders = {
      ce_specversion: '1.0',
      ce_id: 'x-1',
      ce_source: '/e2e',
      ce_type: 'account.created.v1',
      ce_time: '2026-01-01T00:00:00Z',
      ce_subject: 'acc-1',
      'content-type': 'application/json',
    };
    await harness.sendRaw([
      { key: `${workspace}:acc-1`, value: `{"not json" ${PLAINTEXT_PASSWORD}`, headers: validHeaders },
      {
        key: `${workspace}:acc-1`,
        value: JSON.stringify({ ...account(workspace, 'acc-1'), version: 0 }),
        headers: validHeaders,
      },
      {
        key: `${workspace}:acc-1`,
        value: JSON.stringify(account(workspace, 'acc-1')),
        headers: { ...validHeaders, ce_type: 'account.deleted.v1' },
      },
      { key: `${workspace}:acc-1`, value: Buffer.alloc(1_048_577, 0x7b), headers: validHeaders },
      { key: 'no-colon-here', value: JSON.stringify(account(workspace, 'acc-1')), headers: validHeaders },
    ]);
    await harness.emit(
      account(strictWorkspace, 'acc-plain', 1, { secrets: { password: PLAINTEXT_PASSWORD } }),
    );
    await harness.emit(
      account(narrowWorkspace, 'acc-totp', 1, {
        encryptedSecrets: undefined,
        secrets: { totpSecret: 'JBSWY3DPEHPK3PXP' },
      }),
    );
    await harness.emit(valid);

    const consumer = harness.kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: harness.topics.dlq, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void dead.push(message) });
    await waitFor(() => dead.length >= 7, { timeoutMs: 60_000, description: 'seven dead-letter records' });
    await consumer.disconnect();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('applies the valid record queued behind the poison ones', async () => {
    await harness.waitForAccount(tenant, (a) => a.name === `vb.${workspace}.acc-valid`, 'the valid record');
  });

  it('dead-letters each poison record with the original key, headers and a precise reason', () => {
    const reasons = dead.map((message) => header(message, 'vb-dlq-error-message') ?? '');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not valid JSON|JSON/i),
        expect.stringMatching(/version/),
        expect.stringMatching(/type/),
        expect.stringMatching(/too large|1048576|1 MiB/i),
        expect.stringMatching(/key/),
      ]),
    );
    for (const message of dead) {
      expect([harness.topics.created, harness.topics.updated]).toContain(
        header(message, 'vb-dlq-original-topic'),
      );
      expect(header(message, 'vb-dlq-original-offset')).toMatch(/^\d+$/);
      expect(header(message, 'vb-dlq-original-partition')).toBe('0');
      expect(header(message, 'vb-dlq-attempts')).toBe('1');
      expect(header(message, 'vb-dlq-consumer-group')).toBe(harness.env.KAFKA_GROUP_ID);
      expect(header(message, 'vb-dlq-error-class')).toBeTruthy();
    }
    const badKey = dead.find((message) => message.key?.toString() === 'no-colon-here');
    expect(badKey).toBeDefined();
    expect(header(badKey!, 'ce_type')).toBe('account.created.v1');
  });

  it('encrypts values that may hold plaintext secrets and keeps the others byte-identical', async () => {
    for (const message of dead) {
      const everything = `${message.value?.toString('latin1') ?? ''}${JSON.stringify(message.headers)}`;
      expect(everything).not.toContain(PLAINTEXT_PASSWORD);
      expect(everything).not.toContain('JBSWY3DPEHPK3PXP');
    }
    const plaintext = dead.find((message) => header(message, 'vb-dlq-workspace-id') === strictWorkspace)!;
    expect(header(plaintext, 'vb-dlq-error-code')).toBe('PLAINTEXT_SECRETS_NOT_ALLOWED');
    expect(header(plaintext, 'vb-dlq-value-encoding')).toBe('jwe');
    const original = Buffer.from(
      await harness.cipher.decrypt(plaintext.value!.toString(), DEAD_LETTER_CIPHER_CONTEXT, strictWorkspace),
    ).toString();
    expect(original).toContain(PLAINTEXT_PASSWORD);

    const oversized = dead.find((message) =>
      /too large|1048576|1 MiB/i.test(header(message, 'vb-dlq-error-message') ?? ''),
    )!;
    // This harness's dead-letter topic takes 4 MiB, so the encrypted original (~1.4 MB) fits and is forwarded.
    expect(header(oversized, 'vb-dlq-value-encoding')).toBe('jwe');
    expect(
      await harness.cipher.decrypt(
        oversized.value!.toString(),
        DEAD_LETTER_CIPHER_CONTEXT,
        header(oversized, 'vb-dlq-workspace-id'),
      ),
    ).toHaveLength(1_048_577);

    const rejectedProperty = dead.find(
      (message) => header(message, 'vb-dlq-workspace-id') === narrowWorkspace,
    )!;
    expect(header(rejectedProperty, 'vb-dlq-error-class')).toBe('invalid-property');
    // It decoded, but it carries a plaintext secret (totpSecret), so its value is encrypted too.
    expect(header(rejectedProperty, 'vb-dlq-value-encoding')).toBe('jwe');
  });

  it('records every failure for admins, with the record sealed', async () => {
    const rows = await harness.database.dataSource.query<
      { error_class: string; error_code: string; record_ciphertext: string; dlq_offset: string }[]
    >(
      `SELECT error_class, error_code, record_ciphertext, dlq_offset FROM backup_failure ORDER BY source_offset`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const row of rows) {
      expect(row.dlq_offset).toMatch(/^\d+$/);
      expect(row.record_ciphertext).not.toContain(PLAINTEXT_PASSWORD);
      expect(row.record_ciphertext.split('.')).toHaveLength(5);
    }
  });
});
