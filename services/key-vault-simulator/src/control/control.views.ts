import { faultView } from '@vault-backup/simulator-kit';
import { keyBundle, keyId } from '../vault/key-bundle';
import { type KeyVersion, type StoredKey } from '../vault/key-store';
import { type Vault } from '../vault/vault';

/**
 * JSON views for the control API. Client secrets and private keys are never shown.
 *
 * Key ids are given in Azure's form (`https://<vault>.vault.azure.net/keys/<name>/<version>`, what
 * the front door serves and what an emitter puts in an event) as `kid`, and in the form of the
 * vault's loopback listener as `directKid`; `jwk` is the KeyBundle's key as the front door serves it.
 */

export function keyVersionView(vault: Vault, key: KeyVersion) {
  const { material } = key;
  const bundle = keyBundle(vault.vaultUrl, key);
  return {
    name: key.name,
    version: key.version,
    kid: bundle.key.kid,
    directKid: keyId(vault.directUrl, key),
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

/** How to reach a vault: `vaultUrl` through the front door (Azure's form), `directUrl` directly. */
export function vaultAddressView(vault: Vault) {
  return { name: vault.name, vaultUrl: vault.vaultUrl, directUrl: vault.directUrl };
}

export function vaultView(vault: Vault) {
  return {
    ...vaultAddressView(vault),
    tenantId: vault.tenantId,
    cloud: vault.cloud.name,
    /** Port of the vault's own loopback listener (`directUrl`). */
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
