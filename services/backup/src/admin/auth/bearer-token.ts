import { InvalidAccessTokenError, MissingAccessTokenError } from './auth.errors';

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer …` header, or the 401 that its absence or shape deserves. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '')
    throw new MissingAccessTokenError('a bearer token is required');
  const token = BEARER.exec(header)?.[1];
  if (token === undefined)
    throw new InvalidAccessTokenError('the Authorization header does not carry a bearer token');
  return token;
}
