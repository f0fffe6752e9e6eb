import { type IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import { API_PREFIX } from '../http/api-prefix';
import { attachPrincipal, principalOf } from '../http/request-context';
import { AccessTokenVerifier } from './access-token.verifier';
import { recordAuthenticationFailure } from './authentication-outcome';
import { bearerToken } from './bearer-token';

/** The admin API accepts JSON only; `application/json` with or without parameters. */
const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Authentication before body parsing, for everything under /api/v1: the bearer token is verified
 * first and the body is read only for an authenticated caller. An anonymous or invalid caller costs
 * no parsing work and learns nothing from the body (a malformed one gets the same 401 as a valid
 * one). The outcome is recorded, not answered here: JwtAuthGuard answers it on the route, so every
 * error keeps the admin API's one format, and an unknown path still answers 404.
 */
@Injectable()
export class AuthenticateFirst {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {}

  async authenticate(request: Request): Promise<void> {
    try {
      attachPrincipal(request, await this.verifier.verify(bearerToken(request.headers.authorization)));
    } catch (error) {
      recordAuthenticationFailure(request, error);
    }
  }
}

/**
 * Wires the order on the HTTP server: authentication on /api/v1, then the JSON body parser, which
 * parses only for an authenticated caller. The app must be created with `bodyParser: false`
 * (`HTTP_APP_OPTIONS`), or Nest's own parser would read every body first. Call before `listen`.
 */
export function authenticateBeforeParsing(app: NestExpressApplication): void {
  const authentication = app.get(AuthenticateFirst);
  app.use(`/${API_PREFIX}`, (request: Request, _response: Response, next: NextFunction) => {
    authentication.authenticate(request).then(() => next(), next);
  });
  app.useBodyParser('json', {
    // body-parser accepts a predicate here: parse authenticated JSON requests, leave the rest unread.
    type: (request: IncomingMessage) =>
      principalOf(request) !== undefined && JSON_CONTENT_TYPE.test(request.headers['content-type'] ?? ''),
  });
}

/** Nest options of the HTTP app: no global body parser (see authenticateBeforeParsing). */
export const HTTP_APP_OPTIONS = { bodyParser: false } as const;
