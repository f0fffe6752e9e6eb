import { type KeyVersion } from './key-store';

/**
 * Soft-delete is always on for new vaults (90 days by default) and purge protection is off unless
 * enabled, which makes `Recoverable+Purgeable` what a freshly created vault reports.
 */
const RECOVERY_LEVEL = 'Recoverable+Purgeable';
const RECOVERABLE_DAYS = 90;

export function keyId(vaultUrl: string, key: Pick<KeyVersion, 'name' | 'version'>): string {
  return `${vaultUrl}/keys/${key.name}/${key.version}`;
}

/** The KeyBundle of `GET /keys/{name}[/{version}]` (REST 7.4+): public JWK and attributes, never private parts. */
export function keyBundle(vaultUrl: string, key: KeyVersion) {
  const { attributes } = key;
  return {
    key: {
      kid: keyId(vaultUrl, key),
      kty: key.material.kty,
      key_ops: [...key.keyOps],
      ...key.material.publicJwk,
    },
    attributes: {
      enabled: attributes.enabled,
      ...(attributes.nbf !== undefined ? { nbf: attributes.nbf } : {}),
      ...(attributes.exp !== undefined ? { exp: attributes.exp } : {}),
      created: attributes.created,
      updated: attributes.updated,
      recoveryLevel: RECOVERY_LEVEL,
      recoverableDays: RECOVERABLE_DAYS,
      exportable: false,
    },
  };
}
