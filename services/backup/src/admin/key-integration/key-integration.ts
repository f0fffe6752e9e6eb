import { type Secret } from '@vault-backup/config';

/** The checks of a workspace key, in the order they run; each names one problem an admin can fix. */
export const KEY_CHECK_NAMES = [
  'vault-url',
  'authentication',
  'vault-reachable',
  'key-found',
  'key-enabled',
  'key-dates',
  'key-type',
  'key-size',
  'key-operations',
  'wrap-permitted',
  'unwrap-permitted',
  'round-trip',
] as const;

export type KeyCheckName = (typeof KEY_CHECK_NAMES)[number];
export type KeyCheckStatus = 'passed' | 'failed' | 'skipped';

export interface KeyCheck {
  readonly name: KeyCheckName;
  readonly status: KeyCheckStatus;
  /** Stable slug of what is wrong (e.g. `forbidden`, `key-size`), when failed. */
  readonly problem?: string;
  readonly message: string;
  /** What the admin does about it, when failed. */
  readonly fix?: string;
}

export interface KeyCheckReport {
  readonly outcome: 'passed' | 'failed';
  /** ISO 8601. */
  readonly checkedAt: string;
  readonly checks: readonly KeyCheck[];
}

/** The public half of the workspace's key: enough to wrap new data keys without a vault call. */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/** What a passing check learned about the key. */
export interface VaultKeyFacts {
  /** Versioned key id `https://<vault>/keys/<name>/<version>`. */
  readonly keyId: string;
  readonly publicJwk: RsaPublicJwk;
}

export interface KeyProbeResult {
  readonly report: KeyCheckReport;
  /** Present exactly when the report passed. */
  readonly key?: VaultKeyFacts;
}

/** A service principal and the key it may use, as an admin enters it (the seed's five fields). */
export interface KeyIntegrationInput {
  readonly directoryTenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** Normalised `https://<vault host>`. */
  readonly vaultUrl: string;
  readonly keyName: string;
}

/** A stored integration: it passed validation once; `lastCheck` is the newest check, passed or not. */
export interface KeyIntegration {
  readonly workspaceId: string;
  readonly directoryTenantId: string;
  readonly clientId: string;
  /** A DataCipher token of the service scope (it is what reaches the workspace's key). */
  readonly clientSecretCiphertext: string;
  readonly vaultUrl: string;
  readonly keyName: string;
  readonly keyId: string;
  readonly publicKeyJwk: RsaPublicJwk;
  readonly lastCheck: KeyCheckReport;
  readonly validatedAt: Date;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type KeyIntegrationDraft = Omit<KeyIntegration, 'revision' | 'createdAt' | 'updatedAt'>;

/** The cipher context of the stored service-principal secret: it cannot be opened as anything else. */
export const KEY_CLIENT_SECRET_CIPHER_CONTEXT = 'key-integration-client-secret';
