import { AppError } from '@vault-backup/errors';
import { type Reply } from './http.types';

/**
 * A deliberate, wire-faithful error answer. Handlers throw it; the dispatcher turns it into the
 * reply it carries. `retriable` mirrors what a client should conclude from the status.
 */
export class SimulatedHttpError extends AppError {
  readonly retriable: boolean;

  constructor(
    readonly code: string,
    readonly reply: Reply,
  ) {
    super(`simulated ${reply.status} ${code}`);
    this.retriable = reply.status >= 500 || reply.status === 429;
  }
}
