import { CE_HEADERS, CONTENT_TYPE_HEADER, JSON_CONTENT_TYPE } from '@vault-backup/event-contract';
import { type PoisonRecord } from './account-workload';

export interface PoisonLimits {
  /** The contract's largest record value (MAX_RECORD_VALUE_BYTES). */
  readonly maxValueBytes: number;
  /** The largest value the consumer forwards to the dead-letter topic (larger ones are omitted). */
  readonly deadLetterForwardLimit: number;
  /** The broker's default largest message (message.max.bytes, 1048588 unless configured). */
  readonly brokerMessageLimit?: number;
}

const BROKER_DEFAULT_MESSAGE_LIMIT = 1_048_588;

/**
 * Invalid records at and around every size limit the consumer has, keyed to a real account (so they
 * share its partition): values just over the contract's maximum, non-JSON and non-UTF-8 values at,
 * just under and just over the dead-letter forwarding limit, and invalid events with headers large
 * enough that a dead-letter copy carrying them cannot fit a topic at the broker's default limit.
 * Each names the reason its dead letter must give.
 */
export function poisonAroundLimits(
  target: { readonly workspaceId: string; readonly accountId: string },
  limits: PoisonLimits,
): PoisonRecord[] {
  const key = `${target.workspaceId}:${target.accountId}`;
  const headers = binaryHeaders(target.accountId);
  const brokerLimit = limits.brokerMessageLimit ?? BROKER_DEFAULT_MESSAGE_LIMIT;
  const forward = limits.deadLetterForwardLimit;
  const invalidVersion = JSON.stringify({ ...minimalData(target), version: 0 });
  const nonJson = (bytes: number) => `{"not json ${'x'.repeat(Math.max(0, bytes - 12))}`.slice(0, bytes);
  const tooLarge = /too large/i;
  const notJson = /not valid JSON/i;
  return [
    {
      label: 'value-max-plus-1',
      key,
      value: Buffer.alloc(limits.maxValueBytes + 1, 0x7b),
      headers,
      expectedReason: tooLarge,
    },
    {
      label: 'value-max-plus-64k',
      key,
      value: Buffer.alloc(limits.maxValueBytes + 65_536, 0x7b),
      headers,
      expectedReason: tooLarge,
    },
    { label: 'non-json-at-max', key, value: nonJson(limits.maxValueBytes), headers, expectedReason: notJson },
    {
      label: 'non-json-forward-limit-minus-1',
      key,
      value: nonJson(forward - 1),
      headers,
      expectedReason: notJson,
    },
    { label: 'non-json-at-forward-limit', key, value: nonJson(forward), headers, expectedReason: notJson },
    {
      label: 'non-json-forward-limit-plus-1',
      key,
      value: nonJson(forward + 1),
      headers,
      expectedReason: notJson,
    },
    {
      label: 'non-utf8-at-forward-limit',
      key,
      value: Buffer.alloc(forward, 0xff),
      headers,
      expectedReason: /UTF-8/,
    },
    {
      // The record itself fits a topic at the broker's default limit (about 200 bytes to spare); its
      // dead-letter copy, which adds the vb-dlq-* headers, does not.
      label: 'invalid-with-header-at-broker-limit',
      key,
      value: invalidVersion,
      headers: {
        ...headers,
        'x-big': 'b'.repeat(brokerLimit - 200 - recordBytes(key, invalidVersion, headers)),
      },
      expectedReason: /version/,
    },
    {
      label: 'non-json-with-big-header',
      key,
      value: nonJson(256 * 1024),
      headers: { ...headers, 'x-big': 'b'.repeat(700 * 1024) },
      expectedReason: notJson,
    },
    { label: 'tombstone', key, value: null, headers, expectedReason: /missing/ },
    { label: 'invalid-version', key, value: invalidVersion, headers, expectedReason: /version/ },
    {
      label: 'unknown-type',
      key,
      value: JSON.stringify(minimalData(target)),
      headers: { ...headers, [CE_HEADERS.type]: 'account.deleted.v1' },
      expectedReason: /type/,
    },
    {
      label: 'key-mismatch',
      key: `${target.workspaceId}:not-${target.accountId}`,
      value: JSON.stringify(minimalData(target)),
      headers,
      expectedReason: /key/,
    },
  ].map((record) => ({ ...record, side: 'updated' as const }));
}

/** Approximate bytes of a record in a batch besides the big header's value: key, value, headers, framing. */
function recordBytes(key: string, value: string, headers: Record<string, string>): number {
  const headerBytes = Object.entries(headers).reduce(
    (total, [name, text]) => total + Buffer.byteLength(name) + Buffer.byteLength(text) + 4,
    0,
  );
  const framing = 61 + 24 + 'x-big'.length;
  return Buffer.byteLength(key) + Buffer.byteLength(value) + headerBytes + framing;
}

function binaryHeaders(accountId: string): Record<string, string> {
  return {
    [CE_HEADERS.specversion]: '1.0',
    [CE_HEADERS.id]: `poison-${accountId}`,
    [CE_HEADERS.source]: '/workload/poison',
    [CE_HEADERS.type]: 'account.updated.v1',
    [CE_HEADERS.time]: '2026-01-01T00:00:00.000Z',
    [CE_HEADERS.subject]: accountId,
    [CONTENT_TYPE_HEADER]: JSON_CONTENT_TYPE,
  };
}

function minimalData(target: { readonly workspaceId: string; readonly accountId: string }) {
  return {
    workspaceId: target.workspaceId,
    accountId: target.accountId,
    version: 1,
    provider: 'poison',
    label: 'poison',
  };
}
