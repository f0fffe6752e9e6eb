import {
  type AccountEventData,
  type AccountEventRecordInput,
  type FlattenedJwe,
  type KafkaHeaders,
} from '../src';

export const WORKSPACE_ID = 'ws_acme';
export const ACCOUNT_ID = 'acc-7f3e2b';
export const KEY_VAULT_KID =
  'https://example-backup-kv.vault.azure.net/keys/account-secrets/4f1c2a9e8b7d4c3fa6e5d0b1c2a3f4e5';
export const VALID_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export function validData(overrides: Record<string, unknown> = {}): AccountEventData {
  return {
    workspaceId: WORKSPACE_ID,
    accountId: ACCOUNT_ID,
    version: 3,
    provider: 'github',
    label: 'GitHub (work)',
    url: 'https://github.com/login',
    username: 'jdoe',
    email: 'jdoe@example.com',
    ...overrides,
  };
}

/** CloudEvent attributes shared by both modes; data is added by the record builders. */
export function validAttributes(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: '7d0c7f0e-2f6b-4b0e-9d4c-3a1f5b8e9c21',
    source: '/services/accounts',
    type: 'account.updated.v1',
    time: '2025-06-01T09:30:00.000Z',
    ...overrides,
  };
}

export type Mode = 'binary' | 'structured';

export interface RecordOptions {
  /** Anything JSON-serialisable (the decoder must cope with wrong shapes). */
  data?: unknown;
  /** Attribute overrides; `undefined` removes the attribute. */
  attributes?: Record<string, unknown>;
  /** Extra or replacing headers; `undefined` removes a header. */
  headers?: KafkaHeaders;
  /** Defaults to `<data.workspaceId>:<data.accountId>`. */
  key?: string | Buffer | null;
}

/** Builds a record the way an emitter would, in the given mode, with subject and key derived from data. */
export function recordFor(mode: Mode, options: RecordOptions = {}): AccountEventRecordInput {
  const data = 'data' in options ? options.data : validData();
  const derived = data as Partial<AccountEventData> | null;
  const attributes = withoutUndefined({
    ...validAttributes({ subject: derived?.accountId }),
    ...options.attributes,
  });
  const key = 'key' in options ? options.key : `${derived?.workspaceId}:${derived?.accountId}`;
  const base = mode === 'binary' ? binaryParts(attributes, data) : structuredParts(attributes, data);
  return {
    key: typeof key === 'string' ? Buffer.from(key, 'utf8') : (key ?? null),
    value: base.value,
    headers: withoutUndefined({ ...base.headers, ...options.headers }),
  };
}

function binaryParts(
  attributes: Record<string, unknown>,
  data: unknown,
): { value: Buffer; headers: KafkaHeaders } {
  const headers: KafkaHeaders = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(attributes)) headers[`ce_${name}`] = String(value);
  return { value: Buffer.from(JSON.stringify(data), 'utf8'), headers };
}

function structuredParts(
  attributes: Record<string, unknown>,
  data: unknown,
): { value: Buffer; headers: KafkaHeaders } {
  const envelope = { ...attributes, datacontenttype: 'application/json', data };
  return {
    value: Buffer.from(JSON.stringify(envelope), 'utf8'),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

export function encodeHeader(header: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
}

/** A JWE with well-formed members around the given protected header (not decryptable: contract checks only). */
export function jweWithHeader(
  header: Record<string, unknown>,
  overrides: Partial<FlattenedJwe> = {},
): FlattenedJwe {
  return {
    protected: encodeHeader(header),
    encrypted_key: Buffer.alloc(256, 7).toString('base64url'),
    iv: Buffer.alloc(12, 1).toString('base64url'),
    ciphertext: Buffer.alloc(48, 2).toString('base64url'),
    tag: Buffer.alloc(16, 3).toString('base64url'),
    ...overrides,
  };
}

export function validJwe(overrides: Partial<FlattenedJwe> = {}): FlattenedJwe {
  return jweWithHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KEY_VAULT_KID }, overrides);
}

export function chars(length: number, char = 'a'): string {
  return char.repeat(length);
}
