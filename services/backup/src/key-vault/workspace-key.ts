import { type Secret } from '@vault-backup/config';

/** The public half of a workspace's RSA key (JWK members, base64url). */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/**
 * The columns of `workspace_key_integration` a {@link WorkspaceKey} is read from. The admin API's store
 * reads these and its own (check report, timestamps) with one row type extending this one.
 */
export interface WorkspaceKeyRow {
  readonly workspace_id: string;
  readonly revision: number;
  readonly directory_tenant_id: string;
  readonly client_id: string;
  readonly client_secret_ciphertext: string;
  readonly vault_url: string;
  readonly key_name: string;
  readonly key_id: string;
  readonly public_key_jwk: RsaPublicJwk;
}

/** {@link WorkspaceKeyRow}'s columns, for a `SELECT` or `RETURNING` list. */
export const WORKSPACE_KEY_COLUMNS =
  'workspace_id, revision, directory_tenant_id, client_id, client_secret_ciphertext, vault_url, key_name, key_id, public_key_jwk';

/** A workspace's own key as the pipeline and the envelope cipher use it. */
export interface WorkspaceKey {
  readonly workspaceId: string;
  /** Changes whenever the integration does: connections and caches are keyed by it. */
  readonly revision: number;
  readonly directoryTenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** `https://<vault host>`. */
  readonly vaultUrl: string;
  readonly keyName: string;
  /** The versioned key id new data is wrapped with. */
  readonly keyId: string;
  readonly publicJwk: RsaPublicJwk;
}

/** The cipher context of the stored service-principal secret: it cannot be opened as anything else. */
export const KEY_CLIENT_SECRET_CIPHER_CONTEXT = 'key-integration-client-secret';

/** `https://<vault>/keys/<name>`: every version of the workspace's key, and nothing else, is trusted. */
export function keyPrefixOf(key: { readonly vaultUrl: string; readonly keyName: string }): string {
  return `${key.vaultUrl}/keys/${key.keyName}`;
}
