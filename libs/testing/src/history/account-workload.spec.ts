import { type Message, type Producer, type ProducerBatch } from 'kafkajs';
import { decodeAccountEvent, MAX_RECORD_VALUE_BYTES } from '@vault-backup/event-contract';
import {
  accountContent,
  AccountWorkload,
  type AccountWorkloadOptions,
  expectedPlatformProperties,
  passwordOf,
  type PlannedEvent,
  WORKLOAD_EVENT_HEADER,
  WORKLOAD_POISON_HEADER,
} from './account-workload';
import { sha256Hex } from './history.types';
import { poisonAroundLimits } from './poison-records';

const OPTIONS: AccountWorkloadOptions = {
  seed: 42,
  workspaces: ['ws-a', 'ws-b', 'ws-c'],
  accountsPerWorkspace: 40,
  versions: 1_500,
};
const TOPICS = { created: 'created', updated: 'updated' };

interface Sent {
  topic: string;
  message: Message;
}

function recordingProducer(): { producer: Producer; sent: Sent[] } {
  const sent: Sent[] = [];
  let offset = 0;
  const producer = {
    sendBatch: async (batch: ProducerBatch) => {
      for (const { topic, messages } of batch.topicMessages ?? [])
        for (const message of messages) sent.push({ topic, message });
      return [];
    },
    send: async ({ topic, messages }: { topic: string; messages: Message[] }) => {
      for (const message of messages) sent.push({ topic, message });
      return [{ topicName: topic, partition: 0, errorCode: 0, baseOffset: String(offset++) }];
    },
  } as unknown as Producer;
  return { producer, sent };
}

const events = (workload: AccountWorkload) =>
  workload.plan().filter((record): record is PlannedEvent => record.kind === 'event');

describe('AccountWorkload', () => {
  it('is deterministic: the same seed gives the same plan, another seed another one', () => {
    const first = new AccountWorkload(OPTIONS).plan();
    expect(new AccountWorkload(OPTIONS).plan()).toEqual(first);
    expect(new AccountWorkload({ ...OPTIONS, seed: 43 }).plan()).not.toEqual(first);
  });

  it('numbers each account 1..N with v1 on the created topic and later versions on the updated topic', () => {
    const workload = new AccountWorkload(OPTIONS);
    const versions = new Map<string, number[]>();
    for (const event of events(workload)) {
      expect(event.side).toBe(event.ref.version === 1 ? 'created' : 'updated');
      if (event.duplicate) continue;
      const key = `${event.ref.workspaceId}:${event.ref.accountId}`;
      versions.set(key, [...(versions.get(key) ?? []), event.ref.version]);
    }
    for (const list of versions.values())
      expect([...list].sort((a, b) => a - b)).toEqual(list.map((_, index) => index + 1));
    expect(workload.stats().events - workload.stats().duplicates).toBe(OPTIONS.versions);
  });

  it('skews popularity (Zipf), duplicates and reorders, also across the two topics', () => {
    const stats = new AccountWorkload(OPTIONS).stats();
    expect(stats.workspaces).toBe(3);
    expect(stats.maxVersionsPerAccount).toBeGreaterThan((OPTIONS.versions / stats.accounts) * 10);
    expect(stats.duplicates).toBeGreaterThan(OPTIONS.versions * 0.03);
    expect(stats.reordered).toBeGreaterThan(OPTIONS.versions * 0.05);
    expect(stats.crossTopicReordered).toBeGreaterThan(0);
    expect(stats.structured).toBeGreaterThan(0);
  });

  it('sends a duplicate at most about the duplicate window later than its original', () => {
    const furthest = (options: Partial<AccountWorkloadOptions>) => {
      const plan = events(new AccountWorkload({ ...OPTIONS, ...options }));
      const first = new Map<unknown, number>();
      let max = 0;
      plan.forEach((event, index) => {
        if (!event.duplicate) first.set(event.ref, index);
        else max = Math.max(max, index - (first.get(event.ref) ?? index));
      });
      return max;
    };
    expect(furthest({})).toBeLessThanOrEqual(60);
    expect(furthest({ duplicateWindow: 300 })).toBeGreaterThan(100);
  });

  it('gives every version distinct content, with properties that come and go', () => {
    expect(expectedPlatformProperties('ws', 'acc-1', 1)).toEqual({
      accountId: 'acc-1',
      provider: 'workload',
      label: 'v1',
      url: 'https://acc-1.example.com/login/v1',
      phone: '+15550100001',
      email: 'acc-1.v1@example.com',
      originalEmail: 'ACC-1.V1@Example.COM',
    });
    const v4 = expectedPlatformProperties('ws', 'acc-1', 4);
    expect(v4).not.toHaveProperty('phone');
    expect(v4).not.toHaveProperty('email');
    expect(v4).toMatchObject({ totpSecret: 'TOTP4Xacc-1', backupCodes: '["acc-1-4-a","acc-1-4-b"]' });
    expect(expectedPlatformProperties('ws', 'acc-1', 3)).toHaveProperty('originalPhone');
    expect(accountContent('ws', 'acc-1', 4).secrets?.password).toBe('pw:acc-1:v4');
  });

  it('builds records the contract accepts, byte-identical for a duplicate, with a marker header', () => {
    const workload = new AccountWorkload(OPTIONS);
    const all = events(workload);
    const duplicate = all.find((event) => event.duplicate)!;
    const original = all.find((event) => !event.duplicate && event.ref === duplicate.ref)!;
    expect(workload.messageOf(duplicate)).toEqual(workload.messageOf(original));
    for (const event of all.slice(0, 50)) {
      const message = workload.messageOf(event);
      const decoded = decodeAccountEvent({
        key: Buffer.from(message.key as string),
        value: Buffer.from(message.value as string),
        headers: message.headers,
      });
      expect(decoded.ok).toBe(true);
      expect(message.headers?.[WORKLOAD_EVENT_HEADER]).toBe(
        `${event.ref.workspaceId}:${event.ref.accountId}:${event.ref.version}`,
      );
    }
  });

  it('pads bulky events to the exact value size and still within the contract', () => {
    const workload = new AccountWorkload({
      ...OPTIONS,
      bulky: [
        { count: 2, valueBytes: MAX_RECORD_VALUE_BYTES },
        { count: 1, headerBytes: 900_000 },
      ],
    });
    const bulky = events(workload).filter((event) => event.valueBytes !== undefined);
    expect(bulky).toHaveLength(2);
    for (const event of bulky) {
      const message = workload.messageOf(event);
      expect(Buffer.byteLength(message.value as string)).toBe(MAX_RECORD_VALUE_BYTES);
      expect(
        decodeAccountEvent({
          key: Buffer.from(message.key as string),
          value: Buffer.from(message.value as string),
          headers: message.headers,
        }).ok,
      ).toBe(true);
    }
    expect(workload.stats().bulky).toBe(3);
  });

  it('maps written content back to its version', () => {
    const workload = new AccountWorkload(OPTIONS);
    const [hot] = events(workload);
    const accountId = hot.ref.accountId;
    expect(workload.versionOfProperties(expectedPlatformProperties('ws-a', accountId, 12))).toBe(12);
    expect(workload.versionOfProperties({ label: 'Admin' })).toBeUndefined();
    expect(workload.versionOfSecretDigest(accountId, sha256Hex(passwordOf(accountId, 1)))).toBe(1);
    expect(workload.versionOfSecretDigest(accountId, sha256Hex('something else'))).toBeUndefined();
  });

  it('emits in plan order within the bounds asked, and expects only what it sent', async () => {
    const workload = new AccountWorkload({ ...OPTIONS, versions: 300 });
    const { producer, sent } = recordingProducer();
    expect(workload.expectedAccounts()).toEqual([]);
    const first = await workload.emit(producer, { topics: TOPICS, ratePerSecond: 100_000, maxEvents: 100 });
    expect(first).toMatchObject({ sent: 100, complete: false });
    expect(sent).toHaveLength(100);
    const newest = new Map<string, number>();
    for (const record of workload.sent()) {
      const key = `${record.ref!.workspaceId}:${record.ref!.accountId}`;
      newest.set(key, Math.max(newest.get(key) ?? 0, record.ref!.version));
    }
    for (const account of workload.expectedAccounts())
      expect(account.newestVersion).toBe(newest.get(`${account.workspaceId}:${account.accountId}`));

    const timed = await workload.emit(producer, { topics: TOPICS, ratePerSecond: 50, maxDurationMs: 200 });
    expect(timed.sent).toBeGreaterThan(0);
    expect(timed.sent).toBeLessThanOrEqual(12);
    const rest = await workload.emit(producer, { topics: TOPICS, ratePerSecond: 100_000 });
    expect(rest.complete).toBe(true);
    // Plan order holds within each topic (a batch groups its messages by topic).
    for (const side of ['created', 'updated'] as const) {
      expect(
        sent
          .filter(({ topic }) => topic === side)
          .map(({ message }) => message.headers?.[WORKLOAD_EVENT_HEADER]),
      ).toEqual(
        events(workload)
          .filter((event) => event.side === side)
          .map((event) => `${event.ref.workspaceId}:${event.ref.accountId}:${event.ref.version}`),
      );
    }
  });

  it('mixes poison records into the unsent part, sends them one by one, and recognises them on the DLQ', async () => {
    const workload = new AccountWorkload({ ...OPTIONS, versions: 200 });
    const poison = poisonAroundLimits(
      { workspaceId: 'ws-a', accountId: 'acc-1' },
      { maxValueBytes: 1_000, deadLetterForwardLimit: 500 },
    );
    workload.addPoison(poison);
    expect(workload.stats().poison).toBe(poison.length);
    const { producer, sent } = recordingProducer();
    await workload.emit(producer, { topics: TOPICS, ratePerSecond: 100_000 });
    const poisonSent = workload.sent().filter((record) => record.poison !== undefined);
    expect(poisonSent.map((record) => record.poison).sort()).toEqual(
      poison.map((record) => record.label).sort(),
    );
    expect(poisonSent.every((record) => record.offset !== undefined && record.partition === 0)).toBe(true);
    const tombstone = sent.find(({ message }) => message.headers?.[WORKLOAD_POISON_HEADER] === 'tombstone')!;
    expect(tombstone.message.value).toBeNull();
    expect(
      workload.describeDeadLetter({ key: Buffer.from('ws-a:acc-1'), headers: tombstone.message.headers }),
    ).toMatchObject({ key: 'ws-a:acc-1', poison: 'tombstone' });
    const valid = sent.find(({ message }) => message.headers?.[WORKLOAD_EVENT_HEADER] !== undefined)!;
    expect(workload.describeDeadLetter({ key: null, headers: valid.message.headers }).event).toBeDefined();
  });

  it('refuses duplicate poison labels and workspace ids too long for readable names', () => {
    const workload = new AccountWorkload(OPTIONS);
    const [first] = poisonAroundLimits(
      { workspaceId: 'ws-a', accountId: 'acc-1' },
      { maxValueBytes: 10, deadLetterForwardLimit: 5 },
    );
    expect(() => workload.addPoison([first, first])).toThrow(/used twice/);
    expect(() => new AccountWorkload({ ...OPTIONS, workspaces: ['w'.repeat(95)] })).toThrow(/too long/);
  });
});
