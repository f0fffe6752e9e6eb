/** Default Kafka topics; the consumer makes the list configurable, emitters may be given other names. */
export const ACCOUNT_CREATED_TOPIC = 'account-created';
export const ACCOUNT_UPDATED_TOPIC = 'account-updated';
export const DEFAULT_ACCOUNT_EVENT_TOPICS: readonly string[] = [ACCOUNT_CREATED_TOPIC, ACCOUNT_UPDATED_TOPIC];

export const ACCOUNT_CREATED_V1 = 'account.created.v1';
export const ACCOUNT_UPDATED_V1 = 'account.updated.v1';
export const ACCOUNT_EVENT_TYPES = [ACCOUNT_CREATED_V1, ACCOUNT_UPDATED_V1] as const;

/** The topic an emitter uses for a type when it is not told otherwise. */
export const DEFAULT_TOPIC_BY_TYPE: Readonly<Record<(typeof ACCOUNT_EVENT_TYPES)[number], string>> = {
  [ACCOUNT_CREATED_V1]: ACCOUNT_CREATED_TOPIC,
  [ACCOUNT_UPDATED_V1]: ACCOUNT_UPDATED_TOPIC,
};

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const JSON_CONTENT_TYPE = 'application/json';

export const CONTENT_TYPE_HEADER = 'content-type';
export const TRACEPARENT_HEADER = 'traceparent';

/** CloudEvents Kafka binding: binary-mode attribute headers. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  subject: 'ce_subject',
  traceparent: 'ce_traceparent',
} as const;

/** Checked before the value is parsed, so an oversized record costs no JSON work. */
export const MAX_RECORD_VALUE_BYTES = 1_048_576;
/** `<64 chars>:<64 chars>`; a longer key cannot match and is not decoded. */
export const MAX_RECORD_KEY_BYTES = 129;
