import { recordBatchBytes, type TopicLimitReader } from '@vault-backup/kafka';
import { problemBody, toHttpAnswer } from '../http/http-answer';
import { isTooLarge, measureReplay, replayRecordTooLarge } from './replay-size';

const limitOf = (bytes: number): TopicLimitReader => ({
  maxMessageBytes: async () => bytes,
  invalidate: () => undefined,
});

describe('replay size', () => {
  const record = { key: 'k', value: Buffer.alloc(1_000), headers: { 'vb-replay-of': 'f-1' } };
  const bytes = recordBatchBytes([record]);

  it('measures the record as the broker will, against its topic limit', async () => {
    expect(await measureReplay(limitOf(5_000), 'f-1', 't', record)).toEqual({
      failureId: 'f-1',
      topic: 't',
      recordBytes: bytes,
      limitBytes: 5_000,
    });
  });

  it('lets a record of exactly the limit through and stops one a byte over', async () => {
    expect(isTooLarge(await measureReplay(limitOf(bytes), 'f-1', 't', record))).toBe(false);
    expect(isTooLarge(await measureReplay(limitOf(bytes - 1), 'f-1', 't', record))).toBe(true);
  });

  it('answers 422 problem+json naming the failure and both sizes', () => {
    const answer = toHttpAnswer(
      replayRecordTooLarge({ failureId: 'f-1', topic: 't', recordBytes: 2_000, limitBytes: 1_000 }),
    );
    expect(answer.status).toBe(422);
    expect(problemBody(answer.problem, { instance: '/p', requestId: 'r' })).toMatchObject({
      type: 'urn:vault-backup:problem:replay-record-too-large',
      code: 'REPLAY_RECORD_TOO_LARGE',
      failureId: 'f-1',
      topic: 't',
      recordBytes: 2_000,
      limitBytes: 1_000,
    });
    expect(answer.problem.detail).toMatch(/f-1.*2000 bytes.*topic t.*1000/);
  });
});
