import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { attachPrincipal, principalOf } from '../http/request-context';
import { AccessTokenVerifier } from './access-token.verifier';
import { authenticationFailureOf } from './authentication-outcome';
import { bearerToken } from './bearer-token';

/**
 * Authentication: a valid bearer token or a 401 (see the admin filter for the WWW-Authenticate
 * header). Normally AuthenticateFirst has already verified the token before the body was read;
 * this guard then only answers its outcome, and verifies itself where that was not wired.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const failure = authenticationFailureOf(request);
    if (failure !== undefined) throw failure;
    if (principalOf(request) !== undefined) return true;
    attachPrincipal(request, await this.verifier.verify(bearerToken(request.headers.authorization)));
    return true;
  }
}
