import { type ContentMode } from '@vault-backup/event-contract';
import { type EventRef } from './history.types';
import { type SeededRandom } from './seeded-random';

/** How the plan of an AccountWorkload is shaped: the records it holds and the steps that reorder and repeat them. */

export type TopicSide = 'created' | 'updated';

/** Some events sent with an unusual shape: a value padded to an exact size, or a large extra header. */
export interface BulkySpec {
  /** How many distinct events (never duplicates) get this shape. */
  readonly count: number;
  /** Exact byte length of the record value. */
  readonly valueBytes?: number;
  /** Byte length of one extra header. */
  readonly headerBytes?: number;
}

/** A deliberately invalid record, mixed into the traffic; the consumer must dead-letter it with a precise reason. */
export interface PoisonRecord {
  /** Unique within the workload. */
  readonly label: string;
  readonly side: TopicSide;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** What the dead-letter reason (or the failure record) must say. */
  readonly expectedReason: RegExp;
}

export interface PlannedEvent {
  readonly kind: 'event';
  readonly ref: EventRef;
  readonly side: TopicSide;
  readonly mode: ContentMode;
  /** A second delivery of an event that is also sent elsewhere in the plan. */
  readonly duplicate: boolean;
  readonly valueBytes?: number;
  readonly headerBytes?: number;
}

export interface PlannedPoison {
  readonly kind: 'poison';
  readonly poison: PoisonRecord;
}

export type PlannedRecord = PlannedEvent | PlannedPoison;

/** Swaps, with some probability, a version with the previous version of its account when it is close enough. */
export function reorder(
  events: PlannedEvent[],
  random: SeededRandom,
  rate: number,
  window: number,
): PlannedEvent[] {
  const order = [...events];
  const lastIndex = new Map<string, number>();
  for (let index = 0; index < order.length; index++) {
    const event = order[index];
    const key = keyOf(event.ref.workspaceId, event.ref.accountId);
    const previous = lastIndex.get(key);
    if (previous !== undefined && index - previous <= window && random.chance(rate)) {
      order[index] = order[previous];
      order[previous] = event;
    }
    lastIndex.set(key, index);
  }
  return order;
}

/** Sends, for some accounts, v2 (updated topic) before v1 (created topic). */
export function swapCreatedAfterUpdated(
  events: PlannedEvent[],
  random: SeededRandom,
  rate: number,
): PlannedEvent[] {
  const order = [...events];
  const positions = new Map<string, { v1?: number; v2?: number }>();
  order.forEach((event, index) => {
    if (event.ref.version > 2) return;
    const key = keyOf(event.ref.workspaceId, event.ref.accountId);
    positions.set(key, { ...positions.get(key), [`v${event.ref.version}`]: index });
  });
  for (const { v1, v2 } of positions.values()) {
    if (v1 === undefined || v2 === undefined || v2 < v1 || !random.chance(rate)) continue;
    [order[v1], order[v2]] = [order[v2], order[v1]];
  }
  return order;
}

/** Sends some events a second time, up to `window` records later. */
export function withDuplicates(
  events: PlannedEvent[],
  random: SeededRandom,
  rate: number,
  window: number,
): PlannedEvent[] {
  const placed = events.map((event, index) => ({ position: index, event }));
  for (let index = 0; index < events.length; index++) {
    if (!random.chance(rate)) continue;
    const event = events[index];
    placed.push({ position: index + random.int(0, window) + 0.5, event: { ...event, duplicate: true } });
  }
  return placed.sort((a, b) => a.position - b.position).map(({ event }) => event);
}

/** Gives some distinct (non-duplicated) events an exact value size or a large header. */
export function markBulky(records: PlannedRecord[], random: SeededRandom, specs: readonly BulkySpec[]): void {
  const duplicated = new Set(
    records.flatMap((record) => (record.kind === 'event' && record.duplicate ? [refHeader(record.ref)] : [])),
  );
  const candidates = random.shuffle(
    records.flatMap((record, index) =>
      record.kind === 'event' && !duplicated.has(refHeader(record.ref)) ? [index] : [],
    ),
  );
  for (const spec of specs) {
    for (let taken = 0; taken < spec.count; taken++) {
      const index = candidates.pop();
      if (index === undefined) throw new RangeError('not enough events for the bulky records asked for');
      records[index] = {
        ...(records[index] as PlannedEvent),
        ...(spec.valueBytes !== undefined ? { valueBytes: spec.valueBytes } : {}),
        ...(spec.headerBytes !== undefined ? { headerBytes: spec.headerBytes } : {}),
      };
    }
  }
}

export function keyOf(workspaceId: string, accountId: string): string {
  return `${workspaceId}:${accountId}`;
}

export function refHeader(ref: EventRef): string {
  return `${ref.workspaceId}:${ref.accountId}:${ref.version}`;
}
