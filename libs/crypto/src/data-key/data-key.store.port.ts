import { type WrappedKey } from '../key-wrap/key-wrapper.port';

/**
 * How a data key's material is kept: the service material wrapped by the service key and, for a data
 * key of a workspace with its own key, the workspace share wrapped by that key. The service material
 * is the 32-byte service share, or — after the workspace's shares were dropped (its key integration
 * removed) — the 64 bytes `service share || workspace share`, so the data key stays the same.
 */
export interface DataKeyWrapping {
  readonly service: WrappedKey;
  /** Null for a service-only data key. */
  readonly workspace: WrappedKey | null;
}

export interface NewDataKey extends DataKeyWrapping {
  /** UUID; tokens name it as `dk.<id>`. */
  readonly id: string;
  /** `service` or `workspace:<workspaceId>` (see `dataKeyScope`). */
  readonly scope: string;
  /** 16 bytes that tell whether unwrapped material derives this data key (see `keyCheckOf`). */
  readonly keyCheck: Uint8Array;
}

export interface DataKeyRecord extends NewDataKey {
  readonly createdAt: Date;
  readonly rewrappedAt: Date | null;
  /** Bumped by every re-wrap: re-wrappers update only the revision they read. */
  readonly revision: number;
}

export interface DataKeyPageQuery {
  /** One scope, or every scope when absent. */
  readonly scope?: string;
  /** Exclusive lower bound of the ids returned (keyset pagination). */
  readonly afterId?: string;
  readonly limit: number;
}

/**
 * Where data keys live, wrapped: never a plaintext share, never a derived key. Rows are never deleted:
 * tokens naming a data key may sit in PostgreSQL or in a Kafka topic for any time. Errors are typed
 * (an outage retriable, anything else permanent).
 */
export interface DataKeyStore {
  insert(dataKey: NewDataKey): Promise<void>;
  find(id: string): Promise<DataKeyRecord | undefined>;
  /** Data keys in id order, so a scan stays correct while keys are added or re-wrapped. */
  page(query: DataKeyPageQuery): Promise<DataKeyRecord[]>;
  /** Replaces the wrapping if the revision is still `revision`; false when another writer changed it first. */
  rewrap(id: string, revision: number, wrapping: DataKeyWrapping): Promise<boolean>;
}
