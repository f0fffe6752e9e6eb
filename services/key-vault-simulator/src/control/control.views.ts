import { type ActiveFault } from '../faults/fault.types';
import { keyBundle } from '../vault/key-bundle';
import { type KeyVersion, type StoredKey } from '../vault/key-store';
import { type Vault } from '../vault/vault';

/** JSON views for the control API. Client secrets and private keys are never shown. */

export function keyVersionView(vault: Vault, key: KeyVersion) {
  const { material } = key;
  const bundle = keyBundle(vault.url, key);
  return {
    name: key.name,
    version: key.version,
    kid: bundle.key.kid,
    kty: material.kty,
    ...('size' in material ? { size: material.size } : { curve: material.curve }),
    keyOps: [...key.keyOps],
    attributes: { ...key.attributes },
    jwk: bundle.key,
    publicKeyPem: material.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function keyView(vault: Vault, stored: StoredKey) {
  return {
    name: stored.name,
    currentVersion: stored.versions.at(-1)?.version ?? null,
    versions: stored.versions.map((version) => keyVersionView(vault, version)),
  };
}

export function throttleView(vault: Vault) {
  const { enabled, windowMs, limits } = vault.throttle.current;
  return { enabled, windowMs, limits: { ...limits }, usage: vault.throttle.usage() };
}

export function vaultView(vault: Vault) {
  return {
    name: vault.name,
    tenantId: vault.tenantId,
    vaultUrl: vault.url,
    port: vault.port,
    keys: vault.keys.list().map((stored) => ({
      name: stored.name,
      currentVersion: stored.versions.at(-1)?.version ?? null,
      versionCount: stored.versions.length,
    })),
    roleAssignments: vault.roles.list(),
    throttle: throttleView(vault),
    faults: vault.faults.list().map(faultView),
  };
}

export function faultView(fault: ActiveFault) {
  return {
    id: fault.id,
    spec: fault.spec,
    hits: fault.hits,
    ...(fault.remaining !== undefined ? { remaining: fault.remaining } : {}),
  };
}
