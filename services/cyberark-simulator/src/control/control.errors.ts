import { type z } from 'zod';
import { SimulatedHttpError } from '../http/http.errors';

function controlError(status: number, error: string, message: string, issues?: string[]): SimulatedHttpError {
  return new SimulatedHttpError(error, { status, body: { error, message, ...(issues ? { issues } : {}) } });
}

export const ControlErrors = {
  invalidRequest: (zodError: z.ZodError): SimulatedHttpError =>
    controlError(
      400,
      'invalid_request',
      'the request body does not match the control API schema',
      zodError.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    ),
  invalidJson: (): SimulatedHttpError =>
    controlError(400, 'invalid_request', 'the request body is not valid JSON'),
  notFound: (what: string): SimulatedHttpError => controlError(404, 'not_found', `${what} does not exist`),
  conflict: (message: string): SimulatedHttpError => controlError(409, 'conflict', message),
  routeNotFound: (): SimulatedHttpError => controlError(404, 'not_found', 'no such control route'),
};
