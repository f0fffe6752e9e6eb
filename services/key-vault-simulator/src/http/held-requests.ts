import { type ServerResponse } from 'node:http';
import { resetConnection } from './connection-reset';

/**
 * Requests a `hang` fault is holding. A test can drop them (the client sees a reset), because some
 * clients never give up on their own: @azure/identity 4.13 ignores `abortSignal` and
 * `requestOptions.timeout` on the token request.
 */
export class HeldRequests {
  private readonly held = new Set<ServerResponse>();

  hold(response: ServerResponse, onClose: () => void): void {
    this.held.add(response);
    response.once('close', () => {
      this.held.delete(response);
      onClose();
    });
  }

  get size(): number {
    return this.held.size;
  }

  dropAll(): number {
    const count = this.held.size;
    for (const response of this.held) resetConnection(response);
    return count;
  }
}
