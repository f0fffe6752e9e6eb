import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type SecureContext, type TLSSocket } from 'node:tls';
import { AppError } from '@vault-backup/errors';
import { writeReply } from '../http/reply-writer';
import { KeyVaultErrors } from '../vault/key-vault.errors';
import { type VaultListenerDeps, serveVaultRequest, withVaultHeaders } from '../vault/vault-listener';
import { type VaultRegistry } from '../vault/vault-registry';
import { acceptsServerName, routeFrontDoorRequest, vaultLookup } from './front-door-routing';

export interface FrontDoorDeps extends VaultListenerDeps {
  vaults: VaultRegistry;
}

/** The reason a TLS handshake was refused: the server name is no existing vault's. */
export class UnknownVaultHostError extends AppError {
  readonly code = 'UNKNOWN_VAULT_HOST';
  readonly retriable = false;
}

type SniCallback = (
  servername: string,
  callback: (error: Error | null, context?: SecureContext) => void,
) => void;

/**
 * The front door's request listener: every vault under its Azure host name on one HTTPS port, so
 * key ids carry `https://<vault>.vault.azure.net` and no port, as in Azure. A name of no existing
 * vault gets no answer at all: the connection is dropped, because in Azure such a name would not
 * resolve, and no HTTP status could be faithful (a 404 would read as KeyNotFound: "the vault exists").
 */
export function createFrontDoorListener(
  deps: FrontDoorDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  const lookup = vaultLookup(deps.vaults);
  return (request, response) => {
    const servername = (request.socket as TLSSocket).servername || undefined;
    const route = routeFrontDoorRequest(request.headers.host, servername, lookup);
    switch (route.kind) {
      case 'vault':
        serveVaultRequest(route.vault, 'front-door', deps, request, response);
        return;
      case 'misdirected':
        deps.counters.recordFrontDoor('misdirected');
        request.resume();
        writeReply(
          response,
          withVaultHeaders(KeyVaultErrors.hostNotAllowedOnConnection(route.host), request),
        );
        return;
      case 'unknown-host':
        deps.counters.recordFrontDoor('unknownHost');
        deps.logger.debug(
          { host: route.host },
          'front door: no vault answers to this host; connection dropped',
        );
        request.socket.destroy();
        return;
    }
  };
}

/**
 * The front door's `SNICallback`: a server name that is no existing vault's ends the handshake
 * (the client sees the connection drop), like a name that does not resolve never connects.
 */
export function frontDoorServerNameCheck(deps: FrontDoorDeps): SniCallback {
  const lookup = vaultLookup(deps.vaults);
  return (servername, callback) => {
    if (acceptsServerName(servername, lookup)) {
      // No context: the server's own certificate (covering every vault host) is used.
      callback(null);
      return;
    }
    deps.counters.recordFrontDoor('unknownHost');
    callback(new UnknownVaultHostError(`no vault answers to ${servername}`));
  };
}
