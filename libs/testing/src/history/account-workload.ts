import { type IHeaders, type Message, type Producer } from 'kafkajs';
import {
  ACCOUNT_CREATED_V1,
  ACCOUNT_UPDATED_V1,
  buildAccountEventRecord,
} from '@vault-backup/event-contract';
import { accountContent, expectedPlatformProperties, passwordOf } from './account-content';
import {
  type DeadLetterEntry,
  type EventRef,
  type ExpectedAccount,
  type HistoryExpectations,
  MAX_BACKUP_ACCOUNT_NAME_LENGTH,
  sha256Hex,
} from './history.types';
import { SeededRandom, ZipfSampler } from './seeded-random';
import {
  type BulkySpec,
  keyOf,
  markBulky,
  type PlannedEvent,
  type PlannedRecord,
  type PoisonRecord,
  refHeader,
  reorder,
  swapCreatedAfterUpdated,
  type TopicSide,
  withDuplicates,
} from './workload-plan';

export { accountContent, expectedPlatformProperties, passwordOf } from './account-content';
export type {
  BulkySpec,
  PlannedEvent,
  PlannedPoison,
  PlannedRecord,
  PoisonRecord,
  TopicSide,
} from './workload-plan';

/** Headers the workload adds to what it sends; the consumer ignores unknown headers and forwards them to the DLQ. */
export const WORKLOAD_EVENT_HEADER = 'x-workload-event';
export const WORKLOAD_POISON_HEADER = 'x-workload-poison';
export const WORKLOAD_BULK_HEADER = 'x-workload-bulk';

/** The unknown `data` member that pads a value to an exact size (the contract ignores unknown members). */
const PADDING_FIELD = 'workloadPadding';
const SOURCE = '/workload';
/** Every event time is derived from this instant and the version, so a duplicate is byte-identical. */
const EPOCH_MS = Date.UTC(2026, 0, 1);
const MAX_MESSAGES_PER_SEND = 500;

export interface AccountWorkloadOptions {
  readonly seed: number;
  readonly workspaces: readonly string[];
  readonly accountsPerWorkspace: number;
  /** Versions to generate across all accounts (each a distinct event), before duplicates. */
  readonly versions: number;
  /** Skew of account popularity; 0 is uniform. Default 1.1. */
  readonly zipfExponent?: number;
  /** Share of events delivered a second time (identical record, sent later). Default 0.05. */
  readonly duplicateRate?: number;
  /** Chance that a version swaps places with the previous version of its account. Default 0.15. */
  readonly reorderRate?: number;
  /** Chance that an account's v2 (updated topic) is sent before its v1 (created topic), however far apart. Default 0.3. */
  readonly crossTopicReorderRate?: number;
  /** How far (in sent records) a reordered version may move. Default 40. */
  readonly reorderWindow?: number;
  /** How much later (in sent records) a duplicate may be sent. Default: the reorder window. */
  readonly duplicateWindow?: number;
  /** Share of events in structured content mode (the rest binary). Default 0.1. */
  readonly structuredRate?: number;
  readonly bulky?: readonly BulkySpec[];
}

/** What was sent, when (epoch ms, just before the send), and for poison records where it landed. */
export interface SentRecord {
  readonly index: number;
  readonly sentAtMs: number;
  readonly topic: string;
  readonly ref?: EventRef;
  readonly duplicate?: boolean;
  readonly poison?: string;
  readonly partition?: number;
  readonly offset?: string;
}

export interface EmitOptions {
  readonly topics: Readonly<Record<TopicSide, string>>;
  readonly ratePerSecond: number;
  /** Send at most this many records in this call (the next call continues where this one stopped). */
  readonly maxEvents?: number;
  /** Stop sending after this long, even if records are left. */
  readonly maxDurationMs?: number;
}

export interface EmissionReport {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly achievedRatePerSecond: number;
  /** True when the whole plan has been sent. */
  readonly complete: boolean;
}

export interface WorkloadStats {
  readonly records: number;
  readonly events: number;
  readonly accounts: number;
  readonly workspaces: number;
  readonly createdTopic: number;
  readonly updatedTopic: number;
  readonly duplicates: number;
  /** Records sent after a newer version of the same account. */
  readonly reordered: number;
  /** Of those, the ones whose newer version went through the other topic. */
  readonly crossTopicReordered: number;
  readonly structured: number;
  readonly bulky: number;
  readonly poison: number;
  readonly maxVersionsPerAccount: number;
}

/**
 * A deterministic (seeded) stream of account events over several workspaces, with Zipf-skewed
 * account popularity, versions 1..N per account (v1 on the created topic, later ones on the
 * updated topic), duplicates and reordering (also across the two topics), optional poison records
 * and oversized-but-valid records. It remembers what it sent, and answers what the backup must end
 * with (HistoryExpectations) for exactly that.
 */
export class AccountWorkload implements HistoryExpectations {
  private readonly records: PlannedRecord[];
  private readonly plannedNewest = new Map<string, ExpectedAccount>();
  private readonly newestSent = new Map<string, ExpectedAccount>();
  private readonly maxVersionByAccountId = new Map<string, number>();
  private readonly digests = new Map<string, Map<string, number>>();
  private readonly sentRecords: SentRecord[] = [];
  private readonly poisonRandom: SeededRandom;
  private cursor = 0;

  constructor(readonly options: AccountWorkloadOptions) {
    validate(options);
    const random = new SeededRandom(options.seed);
    this.poisonRandom = new SeededRandom(options.seed ^ 0x5bd1e995);
    const natural = this.naturalOrder(random);
    const reordered = swapCreatedAfterUpdated(
      reorder(natural, random, options.reorderRate ?? 0.15, options.reorderWindow ?? 40),
      random,
      options.crossTopicReorderRate ?? 0.3,
    );
    const events = withDuplicates(
      reordered,
      random,
      options.duplicateRate ?? 0.05,
      options.duplicateWindow ?? options.reorderWindow ?? 40,
    );
    markBulky(events, random, options.bulky ?? []);
    this.records = events;
    for (const event of natural) {
      const { workspaceId, accountId, version } = event.ref;
      this.plannedNewest.set(keyOf(workspaceId, accountId), {
        workspaceId,
        accountId,
        newestVersion: version,
      });
      this.maxVersionByAccountId.set(
        accountId,
        Math.max(version, this.maxVersionByAccountId.get(accountId) ?? 0),
      );
    }
  }

  /** Every record in send order (events, duplicates, poison). */
  plan(): readonly PlannedRecord[] {
    return this.records;
  }

  /** What has been sent so far, in order. */
  sent(): readonly SentRecord[] {
    return this.sentRecords;
  }

  sentCount(): number {
    return this.cursor;
  }

  remaining(): number {
    return this.records.length - this.cursor;
  }

  stats(): WorkloadStats {
    let createdTopic = 0;
    let structured = 0;
    let bulky = 0;
    let duplicates = 0;
    let reordered = 0;
    let crossTopicReordered = 0;
    const newest = new Map<string, PlannedEvent>();
    for (const record of this.records) {
      if (record.kind === 'poison') continue;
      if (record.side === 'created') createdTopic++;
      if (record.mode === 'structured') structured++;
      if (record.valueBytes !== undefined || record.headerBytes !== undefined) bulky++;
      if (record.duplicate) duplicates++;
      const key = keyOf(record.ref.workspaceId, record.ref.accountId);
      const before = newest.get(key);
      if (before && before.ref.version > record.ref.version) {
        reordered++;
        if (before.side !== record.side) crossTopicReordered++;
      }
      if (!before || before.ref.version < record.ref.version) newest.set(key, record);
    }
    const events = this.records.length - this.poisonCount();
    return {
      records: this.records.length,
      events,
      accounts: this.plannedNewest.size,
      workspaces: this.options.workspaces.length,
      createdTopic,
      updatedTopic: events - createdTopic,
      duplicates,
      reordered,
      crossTopicReordered,
      structured,
      bulky,
      poison: this.poisonCount(),
      maxVersionsPerAccount: Math.max(0, ...[...this.plannedNewest.values()].map((a) => a.newestVersion)),
    };
  }

  /**
   * Mixes poison records into the part of the plan not sent yet, at seeded positions between the
   * given fractions of what is left (default: spread over all of it, never first).
   */
  addPoison(poison: readonly PoisonRecord[], within: { from?: number; to?: number } = {}): void {
    const labels = new Set(
      this.records.flatMap((record) => (record.kind === 'poison' ? [record.poison.label] : [])),
    );
    const left = this.records.length - this.cursor;
    const from = this.cursor + Math.floor(left * (within.from ?? 0.02));
    const to = this.cursor + Math.max(1, Math.floor(left * (within.to ?? 1)));
    for (const record of poison) {
      if (labels.has(record.label)) throw new Error(`poison label ${record.label} is used twice`);
      labels.add(record.label);
      const at = this.poisonRandom.int(Math.max(from, this.cursor + 1), Math.max(from, to));
      this.records.splice(Math.min(at, this.records.length), 0, { kind: 'poison', poison: record });
    }
  }

  /**
   * Sends the next records of the plan at about `ratePerSecond`, until the plan, `maxEvents` or
   * `maxDurationMs` is exhausted. Poison records are sent one by one so that their offset is known.
   */
  async emit(producer: Producer, options: EmitOptions): Promise<EmissionReport> {
    const started = Date.now();
    const first = this.cursor;
    const end = Math.min(this.records.length, first + (options.maxEvents ?? Number.POSITIVE_INFINITY));
    while (this.cursor < end) {
      const elapsed = Date.now() - started;
      if (options.maxDurationMs !== undefined && elapsed >= options.maxDurationMs) break;
      const due = Math.min(end, first + Math.floor((elapsed / 1000) * options.ratePerSecond) + 1);
      if (due <= this.cursor) {
        await sleep(Math.max(1, Math.min(25, Math.ceil(1000 / options.ratePerSecond))));
        continue;
      }
      await this.sendRange(
        producer,
        options.topics,
        this.cursor,
        Math.min(due, this.cursor + MAX_MESSAGES_PER_SEND),
      );
    }
    const elapsedMs = Date.now() - started;
    const sent = this.cursor - first;
    return {
      sent,
      elapsedMs,
      achievedRatePerSecond: elapsedMs > 0 ? Math.round((sent * 1000) / elapsedMs) : sent,
      complete: this.cursor === this.records.length,
    };
  }

  /** The Kafka message of a planned event (deterministic: a duplicate is byte-identical to the original). */
  messageOf(event: PlannedEvent): Message {
    const { workspaceId, accountId, version } = event.ref;
    const build = (padding?: string) =>
      buildAccountEventRecord(
        {
          type: version === 1 ? ACCOUNT_CREATED_V1 : ACCOUNT_UPDATED_V1,
          source: SOURCE,
          id: eventIdOf(event.ref),
          time: new Date(EPOCH_MS + version * 1000),
          data: {
            ...accountContent(workspaceId, accountId, version),
            ...(padding === undefined ? {} : { [PADDING_FIELD]: padding }),
          },
        },
        { mode: event.mode },
      ).message;
    let message = build(event.valueBytes === undefined ? undefined : '');
    if (event.valueBytes !== undefined) {
      const missing = event.valueBytes - Buffer.byteLength(message.value, 'utf8');
      if (missing < 0) throw new RangeError(`an event cannot be as small as ${event.valueBytes} bytes`);
      message = build('x'.repeat(missing));
    }
    const headers: IHeaders = { ...message.headers, [WORKLOAD_EVENT_HEADER]: refHeader(event.ref) };
    if (event.headerBytes !== undefined) headers[WORKLOAD_BULK_HEADER] = 'h'.repeat(event.headerBytes);
    return { key: message.key, value: message.value, headers };
  }

  // HistoryExpectations ----------------------------------------------------------------------

  expectedAccounts(): readonly ExpectedAccount[] {
    return [...this.newestSent.values()];
  }

  expectedNewest(workspaceId: string, accountId: string): number | undefined {
    return this.newestSent.get(keyOf(workspaceId, accountId))?.newestVersion;
  }

  /** The newest version the plan holds for the account, sent or not. */
  plannedNewestVersion(workspaceId: string, accountId: string): number | undefined {
    return this.plannedNewest.get(keyOf(workspaceId, accountId))?.newestVersion;
  }

  versionOfProperties(properties: Readonly<Record<string, string>>): number | undefined {
    const match = /^v([1-9][0-9]*)$/.exec(properties.label ?? '');
    return match ? Number(match[1]) : undefined;
  }

  versionOfSecretDigest(accountId: string, digest: string): number | undefined {
    let byDigest = this.digests.get(accountId);
    if (!byDigest) {
      byDigest = new Map();
      for (let version = 1; version <= (this.maxVersionByAccountId.get(accountId) ?? 0); version++)
        byDigest.set(sha256Hex(passwordOf(accountId, version)), version);
      this.digests.set(accountId, byDigest);
    }
    return byDigest.get(digest);
  }

  expectedProperties(
    workspaceId: string,
    accountId: string,
    version: number,
  ): Readonly<Record<string, string>> {
    return expectedPlatformProperties(workspaceId, accountId, version);
  }

  /** Reads the workload's marker headers of a dead-letter record (a kafkajs KafkaMessage fits). */
  describeDeadLetter(message: { key: Buffer | string | null; headers?: IHeaders }): DeadLetterEntry {
    const headers = headerStrings(message.headers);
    const poison = headers[WORKLOAD_POISON_HEADER];
    const event = parseRefHeader(headers[WORKLOAD_EVENT_HEADER]);
    return {
      key: message.key === null ? null : message.key.toString(),
      headers,
      ...(poison !== undefined ? { poison } : {}),
      ...(event ? { event } : {}),
    };
  }

  // Internals --------------------------------------------------------------------------------

  private naturalOrder(random: SeededRandom): PlannedEvent[] {
    const { workspaces, accountsPerWorkspace, versions } = this.options;
    const accounts = random.shuffle(
      workspaces.flatMap((workspaceId) =>
        Array.from({ length: accountsPerWorkspace }, (_, index) => ({
          workspaceId,
          accountId: `acc-${index}`,
        })),
      ),
    );
    const zipf = new ZipfSampler(accounts.length, this.options.zipfExponent ?? 1.1, random);
    const counts = new Map<string, number>();
    const structuredRate = this.options.structuredRate ?? 0.1;
    const events: PlannedEvent[] = [];
    for (let index = 0; index < versions; index++) {
      const { workspaceId, accountId } = accounts[zipf.sample()];
      const key = keyOf(workspaceId, accountId);
      const version = (counts.get(key) ?? 0) + 1;
      counts.set(key, version);
      events.push({
        kind: 'event',
        ref: { workspaceId, accountId, version },
        side: version === 1 ? 'created' : 'updated',
        mode: random.chance(structuredRate) ? 'structured' : 'binary',
        duplicate: false,
      });
    }
    return events;
  }

  private poisonCount(): number {
    return this.records.filter((record) => record.kind === 'poison').length;
  }

  private async sendRange(
    producer: Producer,
    topics: Readonly<Record<TopicSide, string>>,
    from: number,
    to: number,
  ): Promise<void> {
    let batch: { index: number; event: PlannedEvent }[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const pending = batch;
      batch = [];
      const sentAtMs = Date.now();
      await producer.sendBatch({
        topicMessages: (['created', 'updated'] as const).map((side) => ({
          topic: topics[side],
          messages: pending
            .filter(({ event }) => event.side === side)
            .map(({ event }) => this.messageOf(event)),
        })),
      });
      for (const { index, event } of pending) {
        this.sentRecords.push({
          index,
          sentAtMs,
          topic: topics[event.side],
          ref: event.ref,
          ...(event.duplicate ? { duplicate: true } : {}),
        });
        this.noteSent(event.ref);
      }
    };
    for (let index = from; index < to; index++) {
      const record = this.records[index];
      if (record.kind === 'event') {
        batch.push({ index, event: record });
        continue;
      }
      await flush();
      await this.sendPoison(producer, topics, index, record.poison);
    }
    await flush();
    this.cursor = to;
  }

  private async sendPoison(
    producer: Producer,
    topics: Readonly<Record<TopicSide, string>>,
    index: number,
    poison: PoisonRecord,
  ): Promise<void> {
    const topic = topics[poison.side];
    const sentAtMs = Date.now();
    const [metadata] = await producer.send({
      topic,
      messages: [
        {
          key: poison.key,
          value: poison.value,
          headers: { ...poison.headers, [WORKLOAD_POISON_HEADER]: poison.label },
        },
      ],
    });
    this.sentRecords.push({
      index,
      sentAtMs,
      topic,
      poison: poison.label,
      ...(metadata ? { partition: metadata.partition, offset: metadata.baseOffset ?? '' } : {}),
    });
  }

  private noteSent(ref: EventRef): void {
    const key = keyOf(ref.workspaceId, ref.accountId);
    const known = this.newestSent.get(key);
    if (!known || known.newestVersion < ref.version)
      this.newestSent.set(key, {
        workspaceId: ref.workspaceId,
        accountId: ref.accountId,
        newestVersion: ref.version,
      });
  }
}

function validate(options: AccountWorkloadOptions): void {
  if (options.workspaces.length === 0) throw new RangeError('a workload needs at least one workspace');
  if (new Set(options.workspaces).size !== options.workspaces.length)
    throw new RangeError('workspace ids must be distinct');
  if (options.accountsPerWorkspace < 1 || options.versions < 1)
    throw new RangeError('a workload needs at least one account and one version');
  for (const workspaceId of options.workspaces) {
    const longest = `vb.${workspaceId}.acc-${options.accountsPerWorkspace - 1}`;
    // Keeps CyberArk names in their readable form, which is what the checker's reports show.
    if (longest.length > MAX_BACKUP_ACCOUNT_NAME_LENGTH)
      throw new RangeError(`workspace id ${workspaceId} is too long for readable backup names`);
  }
}

function eventIdOf(ref: EventRef): string {
  return `workload:${ref.workspaceId}:${ref.accountId}:v${ref.version}`;
}

function parseRefHeader(value: string | undefined): EventRef | undefined {
  const match = /^([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([0-9]+)$/.exec(value ?? '');
  return match ? { workspaceId: match[1], accountId: match[2], version: Number(match[3]) } : undefined;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
