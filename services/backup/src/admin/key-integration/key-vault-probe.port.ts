import { type KeyIntegrationInput, type KeyProbeResult } from './key-integration';

/**
 * Checks a workspace key the way the pipeline will use it: token, vault, key attributes, type and
 * size, permitted operations and a live wrap/unwrap round trip. Never throws for a customer problem:
 * every one is a failed check naming its fix.
 */
export interface KeyVaultProbePort {
  /** `https://<host>` for a Vault URI or a bare vault name; throws UrlNotAllowedError naming the rule. */
  normalizeVaultUrl(raw: string): string;
  check(input: KeyIntegrationInput): Promise<KeyProbeResult>;
}
