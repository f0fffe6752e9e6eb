import {
  KEY_VALIDATION_CHECKS,
  type KeyValidationCheck,
  type KeyValidationReport,
} from '@vault-backup/azure-key-vault';
import { type Secret } from '@vault-backup/config';
import { type RsaPublicJwk } from '../../key-vault/workspace-key';

export { KEY_CLIENT_SECRET_CIPHER_CONTEXT, type RsaPublicJwk } from '../../key-vault/workspace-key';

/** The checks of a workspace key and their report: the Key Vault adapter's, stored as it gives them. */
export const KEY_CHECK_NAMES = KEY_VALIDATION_CHECKS;
export type KeyCheck = KeyValidationCheck;
export type KeyCheckReport = Omit<KeyValidationReport, 'key'>;

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
