import { type z } from 'zod';
import { AppError } from '@vault-backup/errors';
import { type Reply } from '../http/http.types';

/** A refused control call; the handler turns it into its reply. Messages never echo secrets. */
export class ControlError extends AppError {
  readonly retriable = false;

  constructor(
    readonly code: string,
    readonly reply: Reply,
  ) {
    super(`control ${reply.status} ${code}`);
  }
}

function controlError(status: number, error: string, message: string, issues?: string[]): ControlError {
  return new ControlError(error, { status, body: { error, message, ...(issues ? { issues } : {}) } });
}

export const ControlErrors = {
  invalidRequest: (zodError: z.ZodError): ControlError =>
    controlError(
      400,
      'invalid_request',
      'the request body does not match the control API schema',
      zodError.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    ),
  invalidJson: (): ControlError => controlError(400, 'invalid_request', 'the request body is not valid JSON'),
  badInput: (message: string): ControlError => controlError(400, 'invalid_request', message),
  notFound: (what: string): ControlError => controlError(404, 'not_found', `${what} does not exist`),
  conflict: (message: string): ControlError => controlError(409, 'conflict', message),
  routeNotFound: (): ControlError => controlError(404, 'not_found', 'no such control route'),
  methodNotAllowed: (): ControlError =>
    controlError(405, 'method_not_allowed', 'this control route takes another method'),
};
