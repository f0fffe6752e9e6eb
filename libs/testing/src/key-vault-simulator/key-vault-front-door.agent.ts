import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { type Duplex } from 'node:stream';

/** The Key Vault host suffixes of the public, China and US Government clouds. */
export const KEY_VAULT_HOST_SUFFIXES = [
  'vault.azure.net',
  'vault.azure.cn',
  'vault.usgovcloudapi.net',
] as const;

/** Where the simulator's front door listens (`KeyVaultSimulatorProcess.frontDoor`). */
export interface KeyVaultFrontDoorAddress {
  host: string;
  port: number;
}

export interface KeyVaultFrontDoorAgentOptions {
  frontDoor: KeyVaultFrontDoorAddress;
  /** The simulator's throwaway CA: the only CA this agent trusts. */
  caPem: string;
  /** Default true, as a long-lived SDK client would have it. */
  keepAlive?: boolean;
}

/** True for `<label>.vault.azure.net` and the sovereign equivalents (any letter case, no port). */
export function isKeyVaultHost(host: string): boolean {
  const hostname = host.toLowerCase();
  return KEY_VAULT_HOST_SUFFIXES.some((suffix) => {
    const label = hostname.slice(0, -(suffix.length + 1));
    return hostname.endsWith(`.${suffix}`) && label.length > 0 && !label.includes('.');
  });
}

/**
 * An HTTPS agent that does at the socket what DNS would do for the simulator: every Key Vault host
 * (`*.vault.azure.net|cn|usgovcloudapi.net`) is dialled at the front door, while the TLS server name
 * stays the vault host, so the certificate is verified against that name (with the simulator's CA)
 * and the `Host` header, untouched, still names it. Any other host (the loopback Entra ID authority,
 * a vault's direct listener) is dialled as asked. The SDK then sees exactly what Azure would give:
 * `https://<vault>.vault.azure.net` key ids and a challenge it accepts without
 * `disableChallengeResourceVerification`.
 */
export class KeyVaultFrontDoorAgent extends Agent {
  private readonly frontDoor: KeyVaultFrontDoorAddress;

  constructor(options: KeyVaultFrontDoorAgentOptions, agentOptions: AgentOptions = {}) {
    super({ ...agentOptions, ca: options.caPem, keepAlive: options.keepAlive ?? true });
    this.frontDoor = { ...options.frontDoor };
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    return super.createConnection(this.dialOptions(options), callback);
  }

  private dialOptions(options: RequestOptions): RequestOptions {
    const host = options.host ?? options.hostname;
    if (!host || !isKeyVaultHost(host)) return options;
    return {
      ...options,
      host: this.frontDoor.host,
      hostname: this.frontDoor.host,
      port: this.frontDoor.port,
      servername: options.servername || host,
    };
  }
}

export function keyVaultFrontDoorAgent(options: KeyVaultFrontDoorAgentOptions): KeyVaultFrontDoorAgent {
  return new KeyVaultFrontDoorAgent(options);
}
