import { type Server as HttpServer } from 'node:http';
import { type Server as HttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';

export type AnyServer = HttpServer | HttpsServer;

export function listen(server: AnyServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Drops idle and held connections too: a `hang` fault must not keep the simulator from stopping. */
export function close(server: AnyServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
