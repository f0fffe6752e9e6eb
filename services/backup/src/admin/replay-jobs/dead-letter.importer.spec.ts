import { DataDecryptionError, type DataCipher } from '@vault-backup/crypto';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { buildAccountEventRecord } from '@vault-backup/event-contract';
import { type ConsumedRecord, type TopicRangeReaderPort } from '@vault-backup/kafka';
import { type BackupConfig } from '../../config/backup.config';
import { DLQ_HEADERS } from '../../kafka/dead-letter.format';
import { type RecordSealerPort } from '../../pipeline/ports/record-sealer.port';
import { DeadLetterImporter } from './dead-letter.importer';

let offset = 0;

/** A dead letter as the pipeline publishes it, for an account event of `workspaceId`. */
function deadLetter(
  workspaceId: string | undefined,
  accountId: string,
  version: number,
  extraHeaders: Record<string, string> = {},
): ConsumedRecord {
  const { message } = buildAccountEventRecord(
    {
      type: 'account.updated.v1',
      source: '/spec',
      data: { workspaceId: workspaceId ?? 'ws-x', accountId, version, provider: 'p', label: `v${version}` },
    },
    { mode: 'binary' },
  );
  return {
    topic: 'dlq',
    partition: 0,
    offset: String(offset++),
    timestamp: '0',
    key: Buffer.from(String(message.key)),
    value: Buffer.from(String(message.value)),
    headers: {
      ...Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]),
      ),
      [DLQ_HEADERS.originalTopic]: Buffer.from('account-updated'),
      [DLQ_HEADERS.originalPartition]: Buffer.from('3'),
      [DLQ_HEADERS.originalOffset]: Buffer.from('77'),
      [DLQ_HEADERS.errorClass]: Buffer.from('invalid-property'),
      ...(workspaceId ? { [DLQ_HEADERS.workspaceId]: Buffer.from(workspaceId) } : {}),
      ...Object.fromEntries(Object.entries(extraHeaders).map(([name, value]) => [name, Buffer.from(value)])),
    },
  };
}

function importer(records: ConsumedRecord[], cipher: Partial<DataCipher> = {}) {
  const sealed: ConsumedRecord[] = [];
  const reader: TopicRangeReaderPort = { read: () => Promise.resolve(records) };
  const sealer: RecordSealerPort = {
    seal: (record) => {
      sealed.push(record);
      return Promise.resolve(`sealed-${sealed.length}`);
    },
    open: () => Promise.reject(new Error('not used')),
  };
  const config = { kafka: { dlqTopic: 'dlq' } } as unknown as BackupConfig;
  return { subject: new DeadLetterImporter(reader, cipher as DataCipher, sealer, config), sealed };
}

const range = { partition: 0, fromOffset: '0', toOffset: '100' };

describe('DeadLetterImporter', () => {
  it('restores the original record (topic, position, headers without vb-dlq-*) and names its account and version', async () => {
    const { subject, sealed } = importer([deadLetter('ws-1', 'acc-1', 4)]);
    const [item] = await subject.plan(range);
    expect(item).toMatchObject({
      failureId: null,
      workspaceId: 'ws-1',
      accountId: 'acc-1',
      version: '4',
      errorClass: 'invalid-property',
      recordCiphertext: 'sealed-1',
      recordWorkspaceId: 'ws-1',
      source: expect.stringMatching(/^dlq:dlq\/0\/\d+$/),
    });
    expect(item?.skip).toBeUndefined();
    expect(sealed[0]).toMatchObject({ topic: 'account-updated', partition: 3, offset: '77' });
    expect(Object.keys(sealed[0]?.headers ?? {}).some((name) => name.startsWith('vb-dlq-'))).toBe(false);
  });

  it('keeps one item per account, its newest version; the older are superseded', async () => {
    const { subject } = importer([
      deadLetter('ws-1', 'acc-1', 2),
      deadLetter('ws-1', 'acc-1', 5),
      deadLetter('ws-1', 'acc-1', 3),
    ]);
    const items = await subject.plan(range);
    expect(items.map((item) => [item.version, item.skip ?? 'replay'])).toEqual([
      ['2', 'superseded'],
      ['5', 'replay'],
      ['3', 'superseded'],
    ]);
  });

  it('filters by workspace or by naming none', async () => {
    const records = [deadLetter('ws-1', 'a', 1), deadLetter('ws-2', 'b', 1), deadLetter(undefined, 'c', 1)];
    expect(
      (await importer(records).subject.plan({ ...range, workspaceId: 'ws-2' })).map((item) => item.accountId),
    ).toEqual(['b']);
    expect(
      (await importer(records).subject.plan({ ...range, unattributed: true })).map(
        (item) => item.workspaceId,
      ),
    ).toEqual([null]);
  });

  it('skips a dead letter whose original was left out, and one whose JWE value no longer decrypts', async () => {
    const omitted = deadLetter('ws-1', 'a', 1, { [DLQ_HEADERS.originalOmitted]: 'too-large' });
    const encrypted = deadLetter('ws-1', 'b', 1, { [DLQ_HEADERS.valueEncoding]: 'jwe' });
    const { subject } = importer([omitted, encrypted], {
      decrypt: () => Promise.reject(new DataDecryptionError('unknown key')),
    });
    expect((await subject.plan(range)).map((item) => item.skip)).toEqual([
      'original-omitted',
      'record-unreadable',
    ]);
  });

  it('decrypts a JWE value, and lets a transient key error through (the request answers 503, nothing is planned)', async () => {
    const original = deadLetter('ws-1', 'b', 1);
    const encrypted = {
      ...deadLetter('ws-1', 'b', 1, { [DLQ_HEADERS.valueEncoding]: 'jwe' }),
      value: Buffer.from('jwe-token'),
    };
    const { subject, sealed } = importer([encrypted], {
      decrypt: () => Promise.resolve(new Uint8Array(original.value ?? [])),
    });
    expect(await subject.plan(range)).toEqual([expect.objectContaining({ accountId: 'b', version: '1' })]);
    expect(sealed[0]?.value?.toString()).toBe(original.value?.toString());

    const unavailable = importer([encrypted], {
      decrypt: () => Promise.reject(new DependencyUnavailableError('key-vault', 'throttled')),
    });
    await expect(unavailable.subject.plan(range)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
