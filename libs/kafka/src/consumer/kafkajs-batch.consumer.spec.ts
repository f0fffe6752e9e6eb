import { type EachBatchPayload, type Kafka } from 'kafkajs';
import { silentLogger } from '@vault-backup/testing';
import { type BatchHandler } from './batch-consumer.port';
import { KafkajsBatchConsumer } from './kafkajs-batch.consumer';

/** kafkajs' error for a fenced member, as its protocol layer builds it. */
function protocolError(type: string): Error {
  return Object.assign(new Error(`The coordinator is not aware of this member (${type})`), {
    name: 'KafkaJSProtocolError',
    type,
    retriable: false,
  });
}

/** A consumer whose `run` hands us kafkajs' eachBatch, so a batch can be driven by hand. */
function consumerWithBatch(heartbeat: () => Promise<void>) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const fake = {
    events: {},
    on: () => undefined,
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    run: (options: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = options.eachBatch;
      return Promise.resolve();
    },
    commitOffsets: () => Promise.reject(protocolError('REBALANCE_IN_PROGRESS')),
  };
  const kafka = { consumer: () => fake } as unknown as Kafka;
  const consumer = new KafkajsBatchConsumer(
    kafka,
    {
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      rebalanceTimeoutMs: 10_000,
      partitionsConsumedConcurrently: 1,
      maxBytesPerPartition: 1_024,
      maxWaitTimeMs: 100,
    },
    silentLogger(),
  );
  const payload = {
    batch: {
      isEmpty: () => false,
      topic: 't',
      partition: 0,
      highWatermark: '2',
      messages: [{ offset: '1', timestamp: '0', key: null, value: Buffer.from('x'), headers: {} }],
    },
    heartbeat,
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: () => undefined,
  } as unknown as EachBatchPayload;
  return {
    async runBatch(handler: BatchHandler): Promise<void> {
      await consumer.start(handler);
      await (eachBatch as (payload: EachBatchPayload) => Promise<void>)(payload);
    },
  };
}

/** What Nest's RPC exception filter does to any error thrown by an @EventPattern handler. */
const throughNest =
  (inner: BatchHandler): BatchHandler =>
  async (batch, control) => {
    try {
      await inner(batch, control);
    } catch {
      throw new Error('Internal server error');
    }
  };

describe('KafkajsBatchConsumer hands kafkajs its own group-membership errors, unaltered', () => {
  it('a heartbeat refused because this member was fenced reaches kafkajs as it was, whatever the handler threw', async () => {
    const fenced = protocolError('UNKNOWN_MEMBER_ID');
    const { runBatch } = consumerWithBatch(() => Promise.reject(fenced));
    await expect(runBatch(throughNest((_batch, control) => control.heartbeat()))).rejects.toBe(fenced);
  });

  it('also when the handler swallowed it (a background heartbeat) and returned normally', async () => {
    const fenced = protocolError('ILLEGAL_GENERATION');
    const { runBatch } = consumerWithBatch(() => Promise.reject(fenced));
    await expect(
      runBatch(async (_batch, control) => {
        await control.heartbeat().catch(() => undefined);
      }),
    ).rejects.toBe(fenced);
  });

  it('a commit refused during a rebalance reaches kafkajs as it was', async () => {
    const { runBatch } = consumerWithBatch(() => Promise.resolve());
    await expect(runBatch(throughNest((_batch, control) => control.commit('1')))).rejects.toMatchObject({
      type: 'REBALANCE_IN_PROGRESS',
    });
  });

  it('any other error is the handler’s own', async () => {
    const { runBatch } = consumerWithBatch(() =>
      Promise.reject(Object.assign(new Error('socket hang up'), { name: 'KafkaJSConnectionError' })),
    );
    await expect(runBatch(throughNest((_batch, control) => control.heartbeat()))).rejects.toThrow(
      'Internal server error',
    );
    await expect(runBatch(() => Promise.resolve())).resolves.toBeUndefined();
  });
});
