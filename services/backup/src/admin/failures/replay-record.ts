import { type ConsumedRecord, type OutgoingRecord } from '@vault-backup/kafka';

/** Marks a re-produced record with the failure it replays (any earlier mark is replaced). */
export const REPLAY_HEADER = 'vb-replay-of';

/**
 * The original record again: same key, value and headers (byte for byte), plus `vb-replay-of`.
 * No partition is forced: the key chooses it, as for the original, so the account's ordering holds.
 */
export function toReplayRecord(record: ConsumedRecord, failureId: string): OutgoingRecord {
  const headers: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value === undefined || name.toLowerCase() === REPLAY_HEADER) continue;
    headers[name] = value;
  }
  headers[REPLAY_HEADER] = failureId;
  return { key: record.key, value: record.value, headers };
}
