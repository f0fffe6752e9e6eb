import { type ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';

/**
 * Drops the connection without an answer. Node cannot send a TCP RST on a TLS socket's handle, so
 * TLS sockets are destroyed instead; Node HTTPS clients report that as ECONNRESET "socket hang up",
 * which is what a load balancer dropping the request looks like to them.
 */
export function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket || socket.destroyed) return;
  if (socket instanceof TLSSocket) socket.destroy();
  else socket.resetAndDestroy();
}
