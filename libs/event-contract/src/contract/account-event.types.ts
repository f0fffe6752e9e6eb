import { type Secret } from '@vault-backup/config';
import { type ACCOUNT_EVENT_TYPES } from './account-event.constants';

export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/** CloudEvents Kafka binding content mode the record used. */
export type ContentMode = 'binary' | 'structured';

/** Wire shape of `data.secrets`, and of the plaintext inside `data.encryptedSecrets`. */
export interface AccountSecrets {
  password?: string | null;
  totpSecret?: string | null;
  backupCodes?: string[] | null;
}

/** JWE flattened JSON serialization (RFC 7516 §7.2.2). */
export interface FlattenedJwe {
  protected: string;
  encrypted_key: string;
  iv: string;
  ciphertext: string;
  tag: string;
  aad?: string;
  header?: Record<string, unknown>;
}

export interface JweProtectedHeader {
  alg: 'RSA-OAEP-256';
  enc: 'A256GCM';
  /** Versioned Azure Key Vault key id, e.g. `https://<vault>.vault.azure.net/keys/<name>/<version>`. */
  kid: string;
  [parameter: string]: unknown;
}

/** Wire shape of the CloudEvent `data`, as emitters send it (see schemas/account-event-data.v1.schema.json). */
export interface AccountEventData {
  workspaceId: string;
  accountId: string;
  version: number;
  provider: string;
  label: string;
  url?: string | null;
  username?: string | null;
  email?: string | null;
  phone?: string | null;
  originalEmail?: string | null;
  originalPhone?: string | null;
  secrets?: AccountSecrets | null;
  encryptedSecrets?: FlattenedJwe | null;
}

/** Secrets as consumers hold them: every value wrapped so that it cannot reach a log by accident. */
export interface ProtectedAccountSecrets {
  password?: Secret<string>;
  totpSecret?: Secret<string>;
  backupCodes?: Secret<readonly string[]>;
}

/** `data` after decoding: nulls become absent, unknown fields are dropped, plaintext secrets are wrapped. */
export interface DecodedAccountEventData {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly version: number;
  readonly provider: string;
  readonly label: string;
  readonly url?: string;
  readonly username?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly originalEmail?: string;
  readonly originalPhone?: string;
  readonly secrets?: ProtectedAccountSecrets;
  readonly encryptedSecrets?: FlattenedJwe;
}

/** A decoded, validated account event: CloudEvent attributes, data, key, trace context and content mode. */
export interface AccountEvent {
  readonly mode: ContentMode;
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: AccountEventType;
  /** RFC 3339 timestamp exactly as sent. */
  readonly time: string;
  /** Equals `data.accountId`. */
  readonly subject: string;
  /** `<workspaceId>:<accountId>`. */
  readonly key: string;
  /** Normalised W3C `traceparent` (version 00) when the record carried a valid one. */
  readonly traceparent?: string;
  readonly data: DecodedAccountEventData;
}

export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** The parts of a consumed Kafka record the decoder reads; a kafkajs `KafkaMessage` fits. */
export interface AccountEventRecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: KafkaHeaders;
}
