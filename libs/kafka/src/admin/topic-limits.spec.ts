import { KafkaUnavailableError } from '../kafka.errors';
import { CachedTopicLimitReader, type TopicLimitSource } from './topic-limits';

class FakeSource implements TopicLimitSource {
  readonly asked: string[] = [];
  limits = new Map<string, number>([['dlq', 1_048_588]]);
  failNext: Error | undefined;

  async maxMessageBytes(topic: string): Promise<number> {
    this.asked.push(topic);
    await Promise.resolve();
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return this.limits.get(topic) ?? 1_000;
  }
}

describe('CachedTopicLimitReader', () => {
  let clock: number;
  let source: FakeSource;
  let reader: CachedTopicLimitReader;

  beforeEach(() => {
    clock = 0;
    source = new FakeSource();
    reader = new CachedTopicLimitReader(source, 60_000, () => clock);
  });

  it('asks the broker once per topic while the answer is fresh', async () => {
    expect(await reader.maxMessageBytes('dlq')).toBe(1_048_588);
    clock = 59_999;
    expect(await reader.maxMessageBytes('dlq')).toBe(1_048_588);
    expect(source.asked).toEqual(['dlq']);
  });

  it('asks again once the answer is older than the TTL', async () => {
    await reader.maxMessageBytes('dlq');
    source.limits.set('dlq', 2_000_000);
    clock = 60_000;
    expect(await reader.maxMessageBytes('dlq')).toBe(2_000_000);
  });

  it('shares one request between concurrent readers', async () => {
    const limits = await Promise.all([1, 2, 3].map(() => reader.maxMessageBytes('dlq')));
    expect(limits).toEqual([1_048_588, 1_048_588, 1_048_588]);
    expect(source.asked).toEqual(['dlq']);
  });

  it('reads again after invalidate (a MESSAGE_TOO_LARGE said the limit changed)', async () => {
    await reader.maxMessageBytes('dlq');
    source.limits.set('dlq', 500_000);
    reader.invalidate('dlq');
    expect(await reader.maxMessageBytes('dlq')).toBe(500_000);
    expect(source.asked).toEqual(['dlq', 'dlq']);
  });

  it('does not cache a failure', async () => {
    source.failNext = new KafkaUnavailableError('down');
    await expect(reader.maxMessageBytes('dlq')).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(await reader.maxMessageBytes('dlq')).toBe(1_048_588);
  });

  it('keeps topics apart', async () => {
    expect(await reader.maxMessageBytes('other')).toBe(1_000);
    expect(await reader.maxMessageBytes('dlq')).toBe(1_048_588);
  });
});
