import { type KafkaMessage } from 'kafkajs';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { createTopics, testKafka, uniqueName, waitFor } from '@vault-backup/testing';
import { AdminE2eHarness, expectStatus, SAFE } from './support/admin-e2e.harness';
import { expectProblem } from './support/http-result';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;

function record(topic: string, offset: number, key: string): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    timestamp: String(Date.now()),
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify({ n: offset, bytes: 'ÿ€' })),
    headers: { ce_type: Buffer.from('account.updated.v1'), ce_id: Buffer.from(`evt-${offset}`) },
  };
}

/** Every record on `topic` (from the beginning) once at least `count` are there. */
async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('adm-read') });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await waitFor(() => messages.length >= count, {
      timeoutMs: 20_000,
      description: `${count} records on ${topic}`,
    });
    // A little longer, so an unexpected extra record would be seen too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

describe('failures: list and replay through HTTP', () => {
  let harness: AdminE2eHarness;
  let replayTopic: string;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
  });

  beforeEach(async () => {
    // Records replayed here go to a topic of their own that the service does not consume.
    replayTopic = uniqueName('adm-replay');
    await createTopics(testKafka(), [replayTopic], 1);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('a record the pipeline could not back up is listed, and once the cause is fixed, a replay backs it up', async () => {
    const workspace = uniqueName('ws');
    const tenant = await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'admin', 'user-replayer');
    // Plaintext secrets are refused by default: the pipeline records a failure.
    await harness.emit({
      workspaceId: workspace,
      accountId: 'acc-r',
      version: 1,
      provider: 'github',
      label: 'replayed',
      url: 'https://github.com/login',
      username: 'octo',
      secrets: { password: 'pw-replay-1' },
    });
    const failure = await waitFor(
      async () => {
        const page = await harness.request('GET', `${base(workspace)}/failures?status=open`, { token });
        return (page.body.items as { id: string }[])[0];
      },
      { timeoutMs: 30_000, description: 'the recorded failure' },
    );
    expect(failure).toMatchObject({
      accountId: 'acc-r',
      status: 'open',
      source: { topic: harness.topics.created },
    });
    expect(JSON.stringify(failure)).not.toContain('pw-replay-1');
    expect((await harness.request('GET', base(workspace), { token })).body.counters.openFailures).toBe(1);

    expectStatus(
      await harness.request('PATCH', `${base(workspace)}/options`, {
        token,
        body: { allowPlaintextSecrets: true },
      }),
      200,
    );
    const replayed = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/${failure.id}/replay`, { token }),
      200,
    );
    expect(replayed.body).toMatchObject({
      replayed: true,
      failure: { status: 'replayed', replayedBy: 'user-replayer' },
    });
    expect(replayed.body.deliveredTo).toMatchObject({ topic: harness.topics.created });

    const backedUp = await waitFor(
      async () =>
        (await harness.simulator.control.listAccounts(tenant.tenant, { safeName: SAFE })).find((a) =>
          a.name.endsWith('acc-r'),
        ),
      { timeoutMs: 30_000, description: 'the replayed account in CyberArk' },
    );
    expect(backedUp.secret.reveal()).toBe('pw-replay-1');
    expect((await harness.request('GET', base(workspace), { token })).body.counters.openFailures).toBe(0);
  });

  it('re-produces the original record byte for byte with vb-replay-of; idempotent unless force=true', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    const original = record(replayTopic, 7, `${workspace}:acc-1`);
    const id = await harness.insertFailure(workspace, original);

    const first = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/${id}/replay`, { token }),
      200,
    );
    expect(first.body).toMatchObject({ replayed: true, failure: { id, status: 'replayed' } });
    const again = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/${id}/replay`, { token }),
      200,
    );
    expect(again.body).toMatchObject({ replayed: false, failure: { id, status: 'replayed' } });
    expect(again.body.failure.replayedAt).toBe(first.body.failure.replayedAt);
    const forced = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/${id}/replay?force=true`, { token }),
      200,
    );
    expect(forced.body.replayed).toBe(true);

    const messages = await readTopic(replayTopic, 2);
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message.key).toEqual(original.key);
      expect(message.value).toEqual(original.value);
      expect(message.headers?.ce_type).toEqual(original.headers.ce_type);
      expect(message.headers?.ce_id).toEqual(original.headers.ce_id);
      expect(message.headers?.['vb-replay-of']?.toString()).toBe(id);
    }
  });

  it('two replays of one failure at the same time produce it once', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    const id = await harness.insertFailure(workspace, record(replayTopic, 1, 'k'));
    const results = await Promise.all(
      [1, 2, 3].map(() => harness.request('POST', `${base(workspace)}/failures/${id}/replay`, { token })),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200]);
    expect(results.filter((result) => result.body.replayed === true)).toHaveLength(1);
    expect(await readTopic(replayTopic, 1)).toHaveLength(1);
  });

  it('replays every open failure, oldest first, and skips one whose record cannot be opened', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    const ids = [];
    for (const offset of [10, 11, 12])
      ids.push(await harness.insertFailure(workspace, record(replayTopic, offset, `k-${offset}`)));
    await harness.insertFailure(workspace, record(replayTopic, 13, 'already'), { status: 'replayed' });
    const [broken] = await harness.database.dataSource.query<{ id: string }[]>(
      `INSERT INTO backup_failure (workspace_id, source_topic, source_partition, source_offset, error_class, error_code, error_message,
                                   attempts, record_ciphertext, dlq_topic)
       VALUES ($1, $2, 0, 99, 'x', 'X', 'x', 1, 'not-a-jwe', 'dlq') RETURNING id`,
      [workspace, replayTopic],
    );

    const bulk = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/replay`, { token }),
      200,
    );
    expect(bulk.body).toEqual({ replayed: 3, unreadable: [broken?.id], notReplayed: [], remainingOpen: 1 });
    const messages = await readTopic(replayTopic, 3);
    expect(messages.map((message) => message.key?.toString())).toEqual(['k-10', 'k-11', 'k-12']);
    expect(messages.map((message) => message.headers?.['vb-replay-of']?.toString())).toEqual(ids);

    const single = await harness.request('POST', `${base(workspace)}/failures/${broken?.id}/replay`, {
      token,
    });
    expectProblem(single, 409, 'RECORD_UNREADABLE', `${base(workspace)}/failures/${broken?.id}/replay`);
  });

  it('answers 422 problem+json for a record its topic cannot take, and the next replay still works', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    // The replay topic keeps the broker's default max.message.bytes (1 MiB + 12).
    const tooLarge = await harness.insertFailure(workspace, {
      ...record(replayTopic, 1, `${workspace}:acc-big`),
      value: Buffer.alloc(1_100_000, 0x7b),
    });
    const fine = await harness.insertFailure(workspace, record(replayTopic, 2, `${workspace}:acc-ok`));

    const refused = await harness.request('POST', `${base(workspace)}/failures/${tooLarge}/replay`, {
      token,
    });
    expectProblem(refused, 422, 'REPLAY_RECORD_TOO_LARGE', `${base(workspace)}/failures/${tooLarge}/replay`);
    expect(refused.body).toMatchObject({
      title: 'Record too large to replay',
      failureId: tooLarge,
      topic: replayTopic,
      limitBytes: 1_048_588,
    });
    expect(refused.body.recordBytes).toBeGreaterThan(1_100_000);
    expect(refused.body.detail).toContain(tooLarge);

    // No poisoned producer: replays into the same topic go on working.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const again = await harness.request('POST', `${base(workspace)}/failures/${tooLarge}/replay`, {
        token,
      });
      expect(again.status).toBe(422);
    }
    expectStatus(await harness.request('POST', `${base(workspace)}/failures/${fine}/replay`, { token }), 200);
    const messages = await readTopic(replayTopic, 1);
    expect(messages.map((message) => message.key?.toString())).toEqual([`${workspace}:acc-ok`]);
    const open = await harness.request('GET', `${base(workspace)}/failures?status=open`, { token });
    expect((open.body.items as { id: string }[]).map((item) => item.id)).toEqual([tooLarge]);
  });

  it('bulk: replays the others in order, in requests that fit, and lists the one too large with the sizes', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    const sized = (offset: number, bytes: number) => ({
      ...record(replayTopic, offset, `k-${offset}`),
      value: Buffer.alloc(bytes, 0x30 + offset),
    });
    // One partition: 4 × 400 kB records fit one by one, not in one produce request.
    const ids = [];
    for (const offset of [1, 2]) ids.push(await harness.insertFailure(workspace, sized(offset, 400_000)));
    const tooLarge = await harness.insertFailure(workspace, sized(3, 1_100_000));
    for (const offset of [4, 5]) ids.push(await harness.insertFailure(workspace, sized(offset, 400_000)));

    const bulk = expectStatus(
      await harness.request('POST', `${base(workspace)}/failures/replay`, { token }),
      200,
    );
    expect(bulk.body).toMatchObject({ replayed: 4, unreadable: [], remainingOpen: 1 });
    expect(bulk.body.notReplayed).toEqual([
      {
        failureId: tooLarge,
        reason: 'record-too-large',
        topic: replayTopic,
        recordBytes: expect.any(Number),
        limitBytes: 1_048_588,
      },
    ]);
    expect(bulk.body.notReplayed[0].recordBytes).toBeGreaterThan(1_100_000);

    const messages = await readTopic(replayTopic, 4);
    expect(messages.map((message) => message.key?.toString())).toEqual(['k-1', 'k-2', 'k-4', 'k-5']);
    expect(messages.map((message) => message.headers?.['vb-replay-of']?.toString())).toEqual(ids);
    expect(messages.map((message) => message.value?.length)).toEqual([400_000, 400_000, 400_000, 400_000]);
  });

  it('refuses to replay into a backup that is not enabled', async () => {
    const workspace = uniqueName('ws');
    await harness.setUpEnabledBackup(workspace);
    const token = await harness.tokenFor(workspace, 'owner');
    const id = await harness.insertFailure(workspace, record(replayTopic, 1, 'k'));
    expectStatus(await harness.request('POST', `${base(workspace)}/disable`, { token }), 200);
    for (const path of [`${base(workspace)}/failures/${id}/replay`, `${base(workspace)}/failures/replay`]) {
      const result = await harness.request('POST', path, { token });
      expectProblem(result, 409, 'BACKUP_NOT_ENABLED', path);
    }
  });

  it("answers 404 for another workspace's failure", async () => {
    const mine = uniqueName('ws');
    const theirs = uniqueName('ws');
    await harness.setUpEnabledBackup(mine);
    const id = await harness.insertFailure(theirs, record(replayTopic, 1, 'k'));
    const result = await harness.request('POST', `${base(mine)}/failures/${id}/replay`, {
      token: await harness.tokenFor(mine, 'owner'),
    });
    expectProblem(result, 404, 'FAILURE_NOT_FOUND', `${base(mine)}/failures/${id}/replay`);
  });

  it('pages newest first and filters by status', async () => {
    const workspace = uniqueName('ws');
    const token = await harness.tokenFor(workspace, 'owner');
    for (const offset of [1, 2, 3, 4, 5])
      await harness.insertFailure(workspace, record(replayTopic, offset, `k${offset}`));
    await harness.insertFailure(workspace, record(replayTopic, 6, 'k6'), { status: 'resolved' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { source: { offset: string } }[]; nextCursor: string | null } } =
        expectStatus(
          await harness.request(
            'GET',
            `${base(workspace)}/failures?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            { token },
          ),
          200,
        );
      seen.push(...page.body.items.map((item) => item.source.offset));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['5', '4', '3', '2', '1']);
    const resolved = expectStatus(
      await harness.request('GET', `${base(workspace)}/failures?status=resolved`, { token }),
      200,
    );
    expect(
      (resolved.body.items as { source: { offset: string } }[]).map((item) => item.source.offset),
    ).toEqual(['6']);
    expect(JSON.stringify(resolved.body)).not.toMatch(/ciphertext|eyJ/);
  });
});
