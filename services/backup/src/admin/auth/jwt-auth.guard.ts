import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { attachPrincipal } from '../http/request-context';
import { AccessTokenVerifier } from './access-token.verifier';
import { InvalidAccessTokenError, MissingAccessTokenError } from './auth.errors';

const BEARER = /^Bearer +(\S+) *$/i;

/** Authentication: a valid bearer token or a 401 (see AdminExceptionFilter for the WWW-Authenticate header). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    attachPrincipal(request, await this.verifier.verify(bearerToken(request.headers.authorization)));
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '')
    throw new MissingAccessTokenError('a bearer token is required');
  const token = BEARER.exec(header)?.[1];
  if (token === undefined)
    throw new InvalidAccessTokenError('the Authorization header does not carry a bearer token');
  return token;
}
