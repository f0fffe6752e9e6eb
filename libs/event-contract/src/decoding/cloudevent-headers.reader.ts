import { isUtf8 } from 'node:buffer';
import { CE_HEADERS, CONTENT_TYPE_HEADER, TRACEPARENT_HEADER } from '../contract/account-event.constants';
import { type KafkaHeaders, type KafkaHeaderValue } from '../contract/account-event.types';

/** The headers the contract reads, by lower-cased name; every other header is ignored. */
export type CloudEventHeaderName =
  (typeof CE_HEADERS)[keyof typeof CE_HEADERS] | typeof CONTENT_TYPE_HEADER | typeof TRACEPARENT_HEADER;

const KNOWN_HEADERS: ReadonlySet<string> = new Set<string>([
  ...Object.values(CE_HEADERS),
  CONTENT_TYPE_HEADER,
  TRACEPARENT_HEADER,
]);

type TraceHeaderName = typeof TRACEPARENT_HEADER | typeof CE_HEADERS.traceparent;
const TRACE_HEADERS: ReadonlySet<string> = new Set<string>([TRACEPARENT_HEADER, CE_HEADERS.traceparent]);

const DUPLICATE = Symbol('duplicate');
const NOT_UTF8 = Symbol('not UTF-8');

export type CloudEventHeaders = Partial<Record<CloudEventHeaderName, string>>;

export type HeaderRead =
  | { readonly ok: true; readonly headers: CloudEventHeaders }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/**
 * Reads the contract's headers once. Names match case-insensitively (Kafka header names are bytes, some
 * clients capitalise); values must be UTF-8 and appear once, because two different `ce_id`s leave no
 * right answer. Trace headers are the exception: a bad one is blanked (and later ignored), not fatal.
 */
export function readCloudEventHeaders(headers: KafkaHeaders | undefined): HeaderRead {
  const found: CloudEventHeaders = {};
  for (const rawName of Object.keys(headers ?? {})) {
    const name = rawName.toLowerCase();
    if (!KNOWN_HEADERS.has(name)) continue;
    const value = single(headers?.[rawName]);
    if (value === undefined) continue;
    if (TRACE_HEADERS.has(name)) {
      recordTraceHeader(found, name as TraceHeaderName, value);
      continue;
    }
    const field = `header:${name}`;
    if (value === DUPLICATE || found[name as CloudEventHeaderName] !== undefined) {
      return { ok: false, field, reason: `header ${name} must appear at most once` };
    }
    if (value === NOT_UTF8) return { ok: false, field, reason: `header ${name} must be UTF-8` };
    found[name as CloudEventHeaderName] = value;
  }
  return { ok: true, headers: found };
}

/** Trace context is best effort: a repeated or undecodable trace header is dropped, never fatal. */
function recordTraceHeader(found: CloudEventHeaders, name: TraceHeaderName, value: string | symbol): void {
  const usable = typeof value === 'string' && found[name] === undefined;
  if (usable) found[name] = value;
  else found[name] = '';
}

function single(value: KafkaHeaderValue): string | typeof DUPLICATE | typeof NOT_UTF8 | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length > 1) return DUPLICATE;
    return single(value[0]);
  }
  if (typeof value === 'string') return value;
  return isUtf8(value) ? value.toString('utf8') : NOT_UTF8;
}
