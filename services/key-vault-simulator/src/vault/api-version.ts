import { type Reply } from '../http/http.types';
import { KeyVaultErrors } from './key-vault.errors';

/**
 * The data-plane versions whose KeyBundle and error shapes the simulator models: 7.4 and later,
 * up to what @azure/keyvault-keys 4.10 sends by default (2025-07-01).
 */
export const SUPPORTED_API_VERSIONS = ['7.4', '7.5', '7.6', '2025-07-01'] as const;
export const LATEST_API_VERSION = '2025-07-01';

export function checkApiVersion(query: URLSearchParams, required: boolean): Reply | undefined {
  const version = query.get('api-version');
  if (version === null || version === '') return required ? KeyVaultErrors.missingApiVersion() : undefined;
  if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(version)) {
    return KeyVaultErrors.unsupportedApiVersion(version, LATEST_API_VERSION);
  }
  return undefined;
}
