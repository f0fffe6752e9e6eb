import { type Admin, ConfigResourceTypes, type Kafka } from 'kafkajs';
import { translateKafkaError } from '../kafka.errors';
import { type TopicLimitSource } from './topic-limits';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: string;
  readonly highWatermark: string;
  readonly lag: number;
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries?: readonly { name: string; value: string }[];
}

/** Cluster-level operations: topic provisioning, reachability, group lag and topic size limits. */
export class KafkaAdmin implements TopicLimitSource {
  private readonly admin: Admin;
  private connected = false;

  /** Bounded retries: a broker that is down must surface as an error in seconds, not hang a start-up or a probe. */
  constructor(kafka: Kafka, options: { retries?: number; maxRetryTimeMs?: number } = {}) {
    this.admin = kafka.admin({
      retry: { retries: options.retries ?? 3, maxRetryTime: options.maxRetryTimeMs ?? 5_000 },
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    try {
      await this.admin.connect();
      this.connected = true;
    } catch (error) {
      throw translateKafkaError(error, 'connecting the admin client');
    }
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect();
  }

  /** Creates the missing topics; existing ones are left as they are. Returns the topics created. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    try {
      const existing = new Set(await this.admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.topic));
      if (missing.length === 0) return [];
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          replicationFactor: -1,
          configEntries: [...(spec.configEntries ?? [])],
        })),
      });
      return missing.map((spec) => spec.topic);
    } catch (error) {
      throw translateKafkaError(error, 'ensuring topics');
    }
  }

  /** Cheap reachability probe for readiness: a metadata round trip. */
  async ping(): Promise<void> {
    try {
      await this.admin.describeCluster();
    } catch (error) {
      throw translateKafkaError(error, 'describing the cluster');
    }
  }

  /**
   * The topic's effective `max.message.bytes` (its own setting or the broker default it inherits).
   * When the topic's configuration cannot be read (no DescribeConfigs permission on it, not created
   * yet), the broker's `message.max.bytes`, which is what an unconfigured topic inherits.
   */
  async maxMessageBytes(topic: string): Promise<number> {
    try {
      return await this.describedBytes(ConfigResourceTypes.TOPIC, topic, 'max.message.bytes');
    } catch {
      try {
        const { brokers } = await this.admin.describeCluster();
        const broker = String(brokers[0]?.nodeId ?? 0);
        return await this.describedBytes(ConfigResourceTypes.BROKER, broker, 'message.max.bytes');
      } catch (error) {
        throw translateKafkaError(error, `reading the message size limit of ${topic}`);
      }
    }
  }

  private async describedBytes(type: ConfigResourceTypes, name: string, configName: string): Promise<number> {
    const { resources } = await this.admin.describeConfigs({
      resources: [{ type, name, configNames: [configName] }],
      includeSynonyms: false,
    });
    const value = resources[0]?.configEntries.find((entry) => entry.configName === configName)?.configValue;
    const bytes = Number(value);
    if (!Number.isSafeInteger(bytes) || bytes <= 0)
      throw new Error(`${name} reports no usable ${configName}`);
    return bytes;
  }

  async groupLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    try {
      const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
      const lags: PartitionLag[] = [];
      for (const { topic, partitions } of committed) {
        const ends = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
        for (const { partition, offset } of partitions) {
          const high = ends.get(partition) ?? '0';
          const start = offset === '-1' ? 0n : BigInt(offset);
          lags.push({
            topic,
            partition,
            committedOffset: offset,
            highWatermark: high,
            lag: Number(BigInt(high) - start),
          });
        }
      }
      return lags;
    } catch (error) {
      throw translateKafkaError(error, `reading lag of group ${groupId}`);
    }
  }
}
