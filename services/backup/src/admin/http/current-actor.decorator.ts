import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { InvalidAccessTokenError } from '../auth/auth.errors';
import { type Actor, principalOf, requestIdOf } from './request-context';

/** The authenticated caller and the request id, for services and the audit log. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<Request>();
  const principal = principalOf(request);
  if (principal === undefined) throw new InvalidAccessTokenError('the request was not authenticated');
  return { sub: principal.sub, role: principal.role, requestId: requestIdOf(request) };
});
