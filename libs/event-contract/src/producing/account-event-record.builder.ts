import { randomUUID } from 'node:crypto';
import {
  CE_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  DEFAULT_TOPIC_BY_TYPE,
  JSON_CONTENT_TYPE,
  STRUCTURED_CONTENT_TYPE,
  TRACEPARENT_HEADER,
} from '../contract/account-event.constants';
import {
  type AccountEventData,
  type AccountEventType,
  type ContentMode,
} from '../contract/account-event.types';
import { decodeAccountEvent } from '../decoding/account-event.decoder';
import { parseTraceparent } from '../decoding/traceparent.parser';

/** What an emitting service knows about one change. */
export interface AccountEventInput {
  type: AccountEventType;
  /** CloudEvents `source` of the emitting service, e.g. `/services/accounts`. */
  source: string;
  data: AccountEventData;
  /** Unique per source; defaults to a random UUID v4. Reuse it when re-sending the same change. */
  id?: string;
  /** When the change happened; defaults to now. */
  time?: Date | string;
  /** Incoming W3C traceparent to propagate; a malformed value is dropped, like the consumer does. */
  traceparent?: string;
}

export interface BuildAccountEventOptions {
  /** Binary (default): attributes in `ce_*` headers, data as the value. Structured: the whole CloudEvent as the value. */
  mode?: ContentMode;
  /** Defaults to the contract topic of the type (`account-created` / `account-updated`). */
  topic?: string;
}

/** One Kafka message ready for a producer; every value is a string, which every client accepts. */
export interface AccountEventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface AccountEventRecord {
  topic: string;
  /** The CloudEvent id, generated when the input had none. */
  id: string;
  message: AccountEventMessage;
}

/**
 * Builds the Kafka record for an account event (pure apart from the id and time defaults). The record is
 * checked with the consumer's own decoder, so an emitter cannot send what the consumer would reject:
 * an invalid input throws the same InvalidEventError the consumer would report.
 */
export function buildAccountEventRecord(
  input: AccountEventInput,
  options: BuildAccountEventOptions = {},
): AccountEventRecord {
  const attributes = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time: formatTime(input.time ?? new Date()),
    subject: input.data.accountId,
  };
  const traceparent = parseTraceparent(input.traceparent);
  const key = `${input.data.workspaceId}:${input.data.accountId}`;
  const message =
    (options.mode ?? 'binary') === 'binary'
      ? binaryMessage(key, attributes, input.data, traceparent)
      : structuredMessage(key, attributes, input.data, traceparent);
  assertDecodable(message);
  return { topic: options.topic ?? DEFAULT_TOPIC_BY_TYPE[input.type], id: attributes.id, message };
}

type Attributes = Record<'specversion' | 'id' | 'source' | 'type' | 'time' | 'subject', string>;

function binaryMessage(
  key: string,
  attributes: Attributes,
  data: AccountEventData,
  traceparent?: string,
): AccountEventMessage {
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: attributes.specversion,
    [CE_HEADERS.id]: attributes.id,
    [CE_HEADERS.source]: attributes.source,
    [CE_HEADERS.type]: attributes.type,
    [CE_HEADERS.time]: attributes.time,
    [CE_HEADERS.subject]: attributes.subject,
    [CONTENT_TYPE_HEADER]: JSON_CONTENT_TYPE,
  };
  if (traceparent !== undefined) headers[TRACEPARENT_HEADER] = traceparent;
  return { key, value: JSON.stringify(data), headers };
}

function structuredMessage(
  key: string,
  attributes: Attributes,
  data: AccountEventData,
  traceparent?: string,
): AccountEventMessage {
  const headers: Record<string, string> = { [CONTENT_TYPE_HEADER]: STRUCTURED_CONTENT_TYPE };
  if (traceparent !== undefined) headers[TRACEPARENT_HEADER] = traceparent;
  const envelope = { ...attributes, datacontenttype: JSON_CONTENT_TYPE, data };
  return { key, value: JSON.stringify(envelope), headers };
}

function formatTime(time: Date | string): string {
  return typeof time === 'string' ? time : time.toISOString();
}

function assertDecodable(message: AccountEventMessage): void {
  const result = decodeAccountEvent({
    key: Buffer.from(message.key, 'utf8'),
    value: Buffer.from(message.value, 'utf8'),
    headers: message.headers,
  });
  if (!result.ok) throw result.error;
}
