import { parseVaultHost } from '../clouds/azure-clouds';
import { type Vault } from '../vault/vault';
import { type VaultRegistry } from '../vault/vault-registry';

/** The existing vault a host name (`Host` header or TLS server name) designates, if any. */
export type VaultLookup = (host: string) => Vault | undefined;

export type FrontDoorRoute =
  | { kind: 'vault'; vault: Vault }
  /** Nothing answers to the name: in Azure, a vault name that does not exist does not even resolve. */
  | { kind: 'unknown-host'; host: string }
  /** The connection was opened for one vault (its TLS server name), the `Host` names something else. */
  | { kind: 'misdirected'; host: string; servername: string };

export function vaultLookup(vaults: VaultRegistry): VaultLookup {
  return (host) => {
    const parsed = parseVaultHost(host);
    return parsed ? vaults.findByHost(parsed) : undefined;
  };
}

/**
 * Which vault a request through the front door is for. Without a TLS server name (a client that
 * dialled the IP) the `Host` alone decides (Key Vault requires the vault host name there:
 * learn.microsoft.com `rest/api/keyvault/common-parameters-and-headers`). With one, the connection
 * belongs to that vault, and a `Host` naming anything else is refused, as Key Vault refuses a wrong
 * `Host` on a connection (403 "This TCP connection does not allow access to {host}.").
 */
export function routeFrontDoorRequest(
  host: string | undefined,
  servername: string | undefined,
  lookup: VaultLookup,
): FrontDoorRoute {
  const vault = host === undefined ? undefined : lookup(host);
  const connectionVault = servername === undefined ? undefined : lookup(servername);
  if (servername !== undefined && connectionVault !== undefined && connectionVault !== vault) {
    return { kind: 'misdirected', host: host ?? '', servername };
  }
  // A server name whose vault is gone (deleted while the connection stayed open) lands here too.
  if (!vault || (servername !== undefined && connectionVault === undefined)) {
    return { kind: 'unknown-host', host: host ?? '' };
  }
  return { kind: 'vault', vault };
}

/**
 * Whether a TLS handshake may go on: only a server name of an existing vault resolves to Key
 * Vault, so only such a name reaches the front door. No server name (a client dialling the IP)
 * is let through; the `Host` decides then.
 */
export function acceptsServerName(servername: string, lookup: VaultLookup): boolean {
  return lookup(servername) !== undefined;
}
