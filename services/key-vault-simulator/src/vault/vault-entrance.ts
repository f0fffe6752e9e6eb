/**
 * How a request reached a vault: the shared front door (by Azure host name, key ids without port)
 * or the vault's own loopback listener (key ids `https://127.0.0.1:<port>/…`).
 */
export type VaultEntrance = 'front-door' | 'direct';
