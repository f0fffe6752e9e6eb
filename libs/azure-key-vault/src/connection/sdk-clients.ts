import { type CryptographyClientOptions, type KeyVaultKey } from '@azure/keyvault-keys';
import { type TrustedKeyId } from '../key-id/key-id';
import { type VaultAddress } from '../vault-url/key-vault-url.policy';
import { type VaultPolicyConfig } from './vault-network';

/**
 * Options of every `KeyClient` and `CryptographyClient`. A fresh object per client: the SDK writes its
 * user agent into the one it is given.
 * - No SDK retries: the service has one retry and parking policy, and the SDK would otherwise sit out
 *   a 429's Retry-After (three times) inside a call. A 429 surfaces at once with its `retryAfterMs`.
 * - No redirects: a vault never redirects, and a redirect could lead the token elsewhere.
 * - Challenge resource verification stays on, except for a loopback vault the explicit test switch
 *   allows (a simulator cannot be `*.vault.azure.net`). It is derived, never an option of its own.
 */
export function vaultClientOptions(
  vault: VaultAddress,
  allowsInsecureLoopback: boolean,
  policies: VaultPolicyConfig[],
): CryptographyClientOptions {
  return {
    retryOptions: { maxRetries: 0 },
    redirectOptions: { maxRetries: 0 },
    additionalPolicies: policies,
    disableChallengeResourceVerification: vault.loopback && allowsInsecureLoopback,
    userAgentOptions: { userAgentPrefix: 'vault-backup' },
  };
}

/**
 * A `KeyVaultKey` without key material or validity dates. A `CryptographyClient` built from it never
 * fetches the key, so it never refuses an expired or not-yet-valid key locally (the service unwraps
 * outside nbf/exp on purpose) and never wraps locally with a public key read before the key was
 * disabled: every wrap and unwrap is a request Key Vault itself decides on.
 */
export function remoteOnlyKey(keyId: TrustedKeyId, vault: VaultAddress): KeyVaultKey {
  return {
    id: keyId.kid,
    name: keyId.name,
    properties: { id: keyId.kid, name: keyId.name, vaultUrl: vault.url, version: keyId.version },
  };
}
