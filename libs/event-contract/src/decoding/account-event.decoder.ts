import { isUtf8 } from 'node:buffer';
import {
  CE_HEADERS,
  CONTENT_TYPE_HEADER,
  JSON_CONTENT_TYPE,
  MAX_RECORD_KEY_BYTES,
  MAX_RECORD_VALUE_BYTES,
  STRUCTURED_CONTENT_TYPE,
  TRACEPARENT_HEADER,
} from '../contract/account-event.constants';
import {
  type AccountEvent,
  type AccountEventData,
  type AccountEventRecordInput,
  type ContentMode,
  type DecodedAccountEventData,
  type FlattenedJwe,
} from '../contract/account-event.types';
import { InvalidEventError } from '../errors/invalid-event.error';
import { protectAccountSecrets } from '../validation/account-secrets.parser';
import { accountEventValidators, type WireAccountCloudEvent } from '../validation/account-event.schemas';
import { validateJweHeaders } from '../validation/flattened-jwe.validator';
import { describeViolation } from '../validation/schema-violation';
import { type CloudEventHeaders, readCloudEventHeaders } from './cloudevent-headers.reader';
import { isUtf8Charset, parseMediaType } from './media-type';
import { parseTraceparent } from './traceparent.parser';

export type DecodeResult =
  | { readonly ok: true; readonly event: AccountEvent }
  | { readonly ok: false; readonly error: InvalidEventError };

/**
 * Decodes and validates one Kafka record against the account-event contract (CloudEvents 1.0, Kafka
 * protocol binding, structured or binary content mode). Never throws on bad input: every failure is an
 * {@link InvalidEventError} with the field and the rule, never the value. Checks run cheapest first;
 * the size limit is enforced before any parsing.
 */
export function decodeAccountEvent(record: AccountEventRecordInput): DecodeResult {
  const outcome = decode(record);
  return outcome instanceof InvalidEventError ? { ok: false, error: outcome } : { ok: true, event: outcome };
}

function decode(record: AccountEventRecordInput): AccountEvent | InvalidEventError {
  const value = checkValueSize(record.value);
  if (value instanceof InvalidEventError) return value;
  const key = readKey(record.key);
  if (key instanceof InvalidEventError) return key;
  const read = readCloudEventHeaders(record.headers);
  if (!read.ok) return new InvalidEventError(read.field, read.reason);
  const mode = detectMode(read.headers);
  if (mode instanceof InvalidEventError) return mode;
  const payload = parseJson(value);
  if (payload instanceof InvalidEventError) return payload;
  const envelope = validateEnvelope(
    mode === 'structured' ? payload : binaryEnvelope(read.headers, payload),
    mode,
  );
  if (envelope instanceof InvalidEventError) return envelope;
  const mismatch = checkConsistency(envelope, key, mode);
  if (mismatch) return mismatch;
  return toAccountEvent(envelope, key, mode, traceparentOf(read.headers, envelope, mode));
}

function checkValueSize(value: Buffer | null): Buffer | InvalidEventError {
  if (value === null)
    return new InvalidEventError('value', 'value is missing (tombstone records are not account events)');
  if (value.length === 0) return new InvalidEventError('value', 'value is empty');
  if (value.length > MAX_RECORD_VALUE_BYTES) {
    return new InvalidEventError('value', `value too large (limit ${MAX_RECORD_VALUE_BYTES} bytes)`);
  }
  return value;
}

function readKey(key: Buffer | null): string | InvalidEventError {
  if (key === null || key.length === 0)
    return new InvalidEventError('key', 'key is required: <workspaceId>:<accountId>');
  if (key.length > MAX_RECORD_KEY_BYTES) return keyMismatch();
  if (!isUtf8(key)) return new InvalidEventError('key', 'key must be UTF-8');
  return key.toString('utf8');
}

function keyMismatch(): InvalidEventError {
  return new InvalidEventError('key', 'key must equal <data.workspaceId>:<data.accountId>');
}

/** CloudEvents Kafka binding §3.2: a `content-type` starting with `application/cloudevents` means structured. */
function detectMode(headers: CloudEventHeaders): ContentMode | InvalidEventError {
  const contentType = headers[CONTENT_TYPE_HEADER];
  const media = contentType === undefined ? undefined : parseMediaType(contentType);
  const field = `header:${CONTENT_TYPE_HEADER}`;
  if (media?.type === STRUCTURED_CONTENT_TYPE) {
    return isUtf8Charset(media)
      ? 'structured'
      : new InvalidEventError(field, 'structured events must be UTF-8 JSON');
  }
  if (media?.type.startsWith('application/cloudevents-batch')) {
    return new InvalidEventError(field, 'batched content mode is not supported: send one event per record');
  }
  if (media?.type.startsWith('application/cloudevents')) {
    return new InvalidEventError(field, `structured content mode must use ${STRUCTURED_CONTENT_TYPE}`);
  }
  if (headers[CE_HEADERS.specversion] === undefined) {
    return new InvalidEventError(
      `header:${CE_HEADERS.specversion}`,
      `not a CloudEvent: expected header ${CONTENT_TYPE_HEADER}: ${STRUCTURED_CONTENT_TYPE} (structured mode) or ${CE_HEADERS.specversion} (binary mode)`,
    );
  }
  // Binary mode: content-type is the data's media type; absent means JSON (CloudEvents JSON format §3.1).
  if (media !== undefined && (media.type !== JSON_CONTENT_TYPE || !isUtf8Charset(media))) {
    return new InvalidEventError(
      field,
      `header ${CONTENT_TYPE_HEADER} must be ${JSON_CONTENT_TYPE} (UTF-8) in binary mode`,
    );
  }
  return 'binary';
}

function parseJson(value: Buffer): unknown {
  if (!isUtf8(value)) return new InvalidEventError('value', 'value must be UTF-8 JSON');
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    // The parser's message quotes the input, which may hold a secret: report the rule only.
    return new InvalidEventError('value', 'value is not valid JSON');
  }
}

function binaryEnvelope(headers: CloudEventHeaders, data: unknown): Record<string, unknown> {
  return {
    specversion: headers[CE_HEADERS.specversion],
    id: headers[CE_HEADERS.id],
    source: headers[CE_HEADERS.source],
    type: headers[CE_HEADERS.type],
    time: headers[CE_HEADERS.time],
    subject: headers[CE_HEADERS.subject],
    data,
  };
}

const BINARY_ATTRIBUTE = /^\/(specversion|id|source|type|time|subject)$/;

function validateEnvelope(candidate: unknown, mode: ContentMode): WireAccountCloudEvent | InvalidEventError {
  const { envelope } = accountEventValidators();
  if (!envelope(candidate)) {
    const { field, reason } = describeViolation(envelope.errors);
    return new InvalidEventError(field, withHeaderHint(field, reason, mode));
  }
  const contentType = candidate.datacontenttype;
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    return new InvalidEventError('/datacontenttype', `/datacontenttype must be ${JSON_CONTENT_TYPE} (UTF-8)`);
  }
  return candidate;
}

/** In binary mode the attributes came from headers; say which one, so the emitter finds it. */
function withHeaderHint(field: string, reason: string, mode: ContentMode): string {
  const attribute = BINARY_ATTRIBUTE.exec(field)?.[1];
  return mode === 'binary' && attribute !== undefined ? `${reason} (header ce_${attribute})` : reason;
}

function isJsonMediaType(value: string): boolean {
  const media = parseMediaType(value);
  return media.type === JSON_CONTENT_TYPE && isUtf8Charset(media);
}

function checkConsistency(
  envelope: WireAccountCloudEvent,
  key: string,
  mode: ContentMode,
): InvalidEventError | undefined {
  const { data } = envelope;
  if (envelope.subject !== data.accountId) {
    return new InvalidEventError(
      '/subject',
      withHeaderHint('/subject', '/subject must equal /data/accountId', mode),
    );
  }
  if (key !== `${data.workspaceId}:${data.accountId}`) return keyMismatch();
  if (data.encryptedSecrets) {
    const jwe = validateJweHeaders(data.encryptedSecrets, '/data/encryptedSecrets');
    if (!jwe.ok) return new InvalidEventError(jwe.field, jwe.reason);
  }
  return undefined;
}

/** The `traceparent` Kafka header wins; otherwise the CloudEvents distributed-tracing extension. */
function traceparentOf(
  headers: CloudEventHeaders,
  envelope: WireAccountCloudEvent,
  mode: ContentMode,
): string | undefined {
  const extension = mode === 'structured' ? envelope.traceparent : headers[CE_HEADERS.traceparent];
  return parseTraceparent(headers[TRACEPARENT_HEADER]) ?? parseTraceparent(extension);
}

function toAccountEvent(
  envelope: WireAccountCloudEvent,
  key: string,
  mode: ContentMode,
  traceparent: string | undefined,
): AccountEvent {
  const event = {
    mode,
    specversion: envelope.specversion,
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    time: envelope.time,
    subject: envelope.subject,
    key,
    data: toDecodedData(envelope.data),
  };
  return traceparent === undefined ? event : { ...event, traceparent };
}

/** Copies known fields only: unknown ones are ignored by contract and must not ride along into storage or logs. */
function toDecodedData(data: AccountEventData): DecodedAccountEventData {
  const decoded: { -readonly [K in keyof DecodedAccountEventData]: DecodedAccountEventData[K] } = {
    workspaceId: data.workspaceId,
    accountId: data.accountId,
    version: data.version,
    provider: data.provider,
    label: data.label,
  };
  for (const name of OPTIONAL_STRINGS) {
    const value = data[name];
    if (typeof value === 'string') decoded[name] = value;
  }
  if (data.secrets) decoded.secrets = protectAccountSecrets(data.secrets);
  if (data.encryptedSecrets) decoded.encryptedSecrets = copyJwe(data.encryptedSecrets);
  return decoded;
}

const OPTIONAL_STRINGS = ['url', 'username', 'email', 'phone', 'originalEmail', 'originalPhone'] as const;

function copyJwe(jwe: FlattenedJwe): FlattenedJwe {
  const copy: FlattenedJwe = {
    protected: jwe.protected,
    encrypted_key: jwe.encrypted_key,
    iv: jwe.iv,
    ciphertext: jwe.ciphertext,
    tag: jwe.tag,
  };
  if (jwe.aad !== undefined) copy.aad = jwe.aad;
  if (jwe.header !== undefined) copy.header = { ...jwe.header };
  return copy;
}
