import { Agent } from 'node:https';
import { type ClientSecretCredentialOptions } from '@azure/identity';
import { type CryptographyClientOptions, type KeyClientOptions } from '@azure/keyvault-keys';
import { type KeyVaultFrontDoorAddress, keyVaultFrontDoorAgent } from './key-vault-front-door.agent';

type AdditionalPolicy = NonNullable<KeyClientOptions['additionalPolicies']>[number];

/** What the Azure SDK needs to reach a Key Vault simulator; `process` or in-process, both have these. */
export interface KeyVaultSimulatorEndpoint {
  authorityHost: string;
  caPem: string;
}

/** The same, plus the front door; `KeyVaultSimulatorProcess` has all three. */
export interface KeyVaultFrontDoorEndpoint extends KeyVaultSimulatorEndpoint {
  frontDoor: KeyVaultFrontDoorAddress;
}

export interface KeyVaultSimulatorSdkOptions {
  /** `authorityHost`, `disableInstanceDiscovery: true` and the CA-trusting agent. */
  credentialOptions: ClientSecretCredentialOptions;
  /**
   * The CA-trusting agent, and `disableChallengeResourceVerification: true` for loopback vault URLs
   * only (never for the front door); also fits CryptographyClient.
   */
  clientOptions: KeyClientOptions & CryptographyClientOptions;
  /** Closes the agent's kept-alive sockets. */
  close(): void;
}

/**
 * A per-call pipeline policy that sends every request through an agent trusting the simulator's
 * CA: core-rest-pipeline's `agentPolicy` does the same, written out so libs/testing needs no
 * transitive dependency.
 */
export function trustSimulatorCa(agent: Agent): AdditionalPolicy {
  return {
    position: 'perCall',
    policy: {
      name: 'keyVaultSimulatorAgentPolicy',
      sendRequest: (request, next) => {
        request.agent = agent;
        return next(request);
      },
    },
  };
}

/**
 * SDK options for the simulator's loopback vault listeners (`directUrl`, `directKid`). Loopback
 * vaults need `disableChallengeResourceVerification` (the SDK otherwise insists the vault host ends
 * in `.vault.azure.net`) and MSAL needs `disableInstanceDiscovery` for a non-Microsoft authority.
 * Never use these against real Azure. Through the front door, use {@link keyVaultFrontDoorSdkOptions}.
 */
export function keyVaultSimulatorSdkOptions(
  endpoint: KeyVaultSimulatorEndpoint,
): KeyVaultSimulatorSdkOptions {
  const agent = new Agent({ ca: endpoint.caPem, keepAlive: true });
  const additionalPolicies = [trustSimulatorCa(agent)];
  return {
    credentialOptions: {
      authorityHost: endpoint.authorityHost,
      disableInstanceDiscovery: true,
      additionalPolicies,
    },
    clientOptions: { disableChallengeResourceVerification: true, additionalPolicies },
    close: () => agent.destroy(),
  };
}

/**
 * SDK options for vaults reached through the front door (`vaultUrl`, `kid`: Azure's form): the agent
 * of {@link keyVaultFrontDoorAgent} for Entra ID and the vaults alike, and **no**
 * `disableChallengeResourceVerification`, since the vault host is a real `*.vault.azure.net` name.
 * MSAL still needs `disableInstanceDiscovery` for the loopback authority.
 */
export function keyVaultFrontDoorSdkOptions(
  endpoint: KeyVaultFrontDoorEndpoint,
): KeyVaultSimulatorSdkOptions {
  const agent = keyVaultFrontDoorAgent({ frontDoor: endpoint.frontDoor, caPem: endpoint.caPem });
  const additionalPolicies = [trustSimulatorCa(agent)];
  return {
    credentialOptions: {
      authorityHost: endpoint.authorityHost,
      disableInstanceDiscovery: true,
      additionalPolicies,
    },
    clientOptions: { additionalPolicies },
    close: () => agent.destroy(),
  };
}
