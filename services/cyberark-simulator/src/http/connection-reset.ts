import { type ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';

/**
 * Drops the connection without an answer. A TCP RST (not a FIN) makes the client see ECONNRESET,
 * like a load balancer or a crashed backend. Node cannot reset a TLS socket's TCP handle, so the
 * CCP listener closes it instead; Node HTTPS clients report that as ECONNRESET "socket hang up".
 */
export function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket || socket.destroyed) return;
  if (socket instanceof TLSSocket) socket.destroy();
  else socket.resetAndDestroy();
}
