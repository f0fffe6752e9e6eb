/**
 * Why authentication failed for a request, when AuthenticateFirst tried it before the body was read.
 * Kept in a WeakMap like the request's principal, so nothing else ever sees it by accident.
 */
const failures = new WeakMap<object, Error>();

export function recordAuthenticationFailure(request: object, error: unknown): void {
  failures.set(request, error instanceof Error ? error : new Error(String(error)));
}

export function authenticationFailureOf(request: object): Error | undefined {
  return failures.get(request);
}
