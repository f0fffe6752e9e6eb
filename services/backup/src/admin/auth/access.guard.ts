import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { ForbiddenError, vaultBackupNotFound } from '../http/admin.errors';
import { principalOf } from '../http/request-context';
import { InvalidAccessTokenError } from './auth.errors';
import { type AccessRequirement, decideAccess } from './workspace-access.policy';

const ACCESS_REQUIREMENT = Symbol('vault-backup:access-requirement');

/** Declares what a route needs; a route without it is refused (deny by default). */
export const RequiresAccess = (requirement: AccessRequirement) =>
  SetMetadata(ACCESS_REQUIREMENT, requirement);

/** Authorization, after JwtAuthGuard: applies `decideAccess` to the route's workspace. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(ACCESS_REQUIREMENT, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (principal === undefined) throw new InvalidAccessTokenError('the request was not authenticated');
    if (requirement === undefined) throw new ForbiddenError('this route declares no access rule');
    const workspaceId =
      typeof request.params['workspaceId'] === 'string' ? request.params['workspaceId'] : undefined;
    switch (decideAccess(principal, requirement, workspaceId)) {
      case 'allow':
        return true;
      case 'not-found':
        throw vaultBackupNotFound();
      case 'forbidden':
        throw new ForbiddenError(`the ${principal.role} role may not do this`);
    }
  }
}
