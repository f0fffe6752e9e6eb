import { type VaultOperation } from '../faults/fault.types';

export type VaultRoute =
  { kind: 'key'; operation: VaultOperation; name: string; version: string } | { kind: 'unknown' };

const CRYPTO_ACTIONS: Record<string, VaultOperation> = {
  wrapkey: 'wrapKey',
  unwrapkey: 'unwrapKey',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
};

/**
 * `GET /keys/{name}`, `GET /keys/{name}/{version}` and `POST /keys/{name}/{version}/{action}`. An
 * empty version segment (`/keys/k/`, `/keys/k//wrapkey`: what the SDK sends for a key id without
 * version) means the current version.
 */
export function routeVaultRequest(method: string, segments: readonly string[]): VaultRoute {
  const [collection, name, version = '', action, ...rest] = segments;
  if (collection?.toLowerCase() !== 'keys' || !name || rest.length > 0) return { kind: 'unknown' };
  if (method === 'GET' && action === undefined) return { kind: 'key', operation: 'getKey', name, version };
  const operation = action === undefined ? undefined : CRYPTO_ACTIONS[action.toLowerCase()];
  if (method === 'POST' && operation) return { kind: 'key', operation, name, version };
  return { kind: 'unknown' };
}
