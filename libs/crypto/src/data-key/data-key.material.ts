import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import { type KeyWrapper } from '../key-wrap/key-wrapper.port';
import { type WorkspaceKeyWrappers } from '../key-wrap/workspace-key-wrappers.port';
import { workspaceOfScope } from './data-key-scope';
import { type DataKeyRecord } from './data-key.store.port';

export const SHARE_BYTES = 32;
const DATA_KEY_BYTES = 32;
const KEY_CHECK_BYTES = 16;
const DERIVATION_LABEL = 'vault-backup/data-key/v1';
const KEY_CHECK_LABEL = Buffer.from('vault-backup/data-key-check/v1');

/**
 * The unwrapped material of a data key: the service material (the 32-byte service share, or 64 bytes
 * once the workspace share was folded into it) and the workspace share when the workspace's own key
 * still holds one. Wipe it (`wipeMaterial`) as soon as the data key is derived.
 */
export interface DataKeyMaterial {
  readonly service: Uint8Array;
  readonly workspace: Uint8Array | null;
}

/** The key-encryption keys a data key's material is wrapped under. */
export interface DataKeyWrappers {
  readonly service: KeyWrapper;
  readonly workspaceKeys: WorkspaceKeyWrappers;
}

export function newMaterial(withWorkspaceShare: boolean): DataKeyMaterial {
  return {
    service: new Uint8Array(randomBytes(SHARE_BYTES)),
    workspace: withWorkspaceShare ? new Uint8Array(randomBytes(SHARE_BYTES)) : null,
  };
}

/**
 * HKDF-SHA256 over `service material || workspace share`, bound to the data key's id and scope: a row
 * whose scope or id was altered derives another key, and tokens then fail authentication. Both shares
 * are needed, so revoking either wrapping key makes the data key unrecoverable.
 */
export function deriveDataKey(id: string, scope: string, material: DataKeyMaterial): Uint8Array {
  assertMaterialShape(material);
  const ikm = Buffer.concat([material.service, material.workspace ?? new Uint8Array(0)]);
  try {
    const info = Buffer.from(`${DERIVATION_LABEL}\0${id}\0${scope}`);
    return new Uint8Array(hkdfSync('sha256', ikm, Buffer.alloc(0), info, DATA_KEY_BYTES));
  } finally {
    ikm.fill(0);
  }
}

/** A 128-bit check value of a data key (HMAC under the key itself): says nothing about the key, detects wrong material. */
export function keyCheckOf(dataKey: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', dataKey).update(KEY_CHECK_LABEL).digest();
  return new Uint8Array(mac.subarray(0, KEY_CHECK_BYTES));
}

export function assertKeyCheck(dataKey: Uint8Array, expected: Uint8Array): void {
  const actual = keyCheckOf(dataKey);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new DataDecryptionError('data key material does not match its check value');
}

/** Unwraps everything a stored data key needs; a wrapper's error passes through unchanged. */
export async function unwrapMaterial(
  record: DataKeyRecord,
  wrappers: DataKeyWrappers,
): Promise<DataKeyMaterial> {
  const [service, workspace] = await Promise.allSettled([
    unwrapServiceMaterial(record, wrappers),
    record.workspace === null ? Promise.resolve(null) : unwrapWorkspaceShare(record, wrappers),
  ]);
  if (service.status === 'fulfilled' && workspace.status === 'fulfilled')
    return { service: service.value, workspace: workspace.value };
  wipe(
    service.status === 'fulfilled' ? service.value : null,
    workspace.status === 'fulfilled' ? workspace.value : null,
  );
  throw service.status === 'rejected' ? service.reason : (workspace as PromiseRejectedResult).reason;
}

export function unwrapServiceMaterial(record: DataKeyRecord, wrappers: DataKeyWrappers): Promise<Uint8Array> {
  return wrappers.service.unwrap(record.service.kid, record.service.wrapped);
}

export function unwrapWorkspaceShare(record: DataKeyRecord, wrappers: DataKeyWrappers): Promise<Uint8Array> {
  const workspaceId = workspaceOfScope(record.scope);
  if (record.workspace === null || workspaceId === undefined)
    return Promise.reject(new DataDecryptionError('data key has no workspace share'));
  return wrappers.workspaceKeys.unwrap(workspaceId, record.workspace.kid, record.workspace.wrapped);
}

export function wipeMaterial(material: DataKeyMaterial): void {
  wipe(material.service, material.workspace);
}

export function wipe(...arrays: (Uint8Array | null | undefined)[]): void {
  for (const array of arrays) array?.fill(0);
}

function assertMaterialShape({ service, workspace }: DataKeyMaterial): void {
  const valid =
    workspace === null
      ? service.length === SHARE_BYTES || service.length === 2 * SHARE_BYTES
      : service.length === SHARE_BYTES && workspace.length === SHARE_BYTES;
  if (!valid) throw new DataDecryptionError('data key material has the wrong size');
}
