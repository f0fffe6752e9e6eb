import { randomUUID } from 'node:crypto';
import { type Principal } from '../auth/principal';

/**
 * Per-request facts the admin API attaches to the request object. Kept in WeakMaps instead of new
 * properties on `Request`, so nothing else (loggers, serializers) ever sees them by accident.
 */
const principals = new WeakMap<object, Principal>();
const requestIds = new WeakMap<object, string>();

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function attachPrincipal(request: object, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: object): Principal | undefined {
  return principals.get(request);
}

/** The caller's `X-Request-Id` when it is well-formed, otherwise a new UUID; stable for the request. */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    const offered = request.headers['x-request-id'];
    id = typeof offered === 'string' && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/** Who did something, as the audit log records it: a caller, or the service itself (`system`). */
export interface Actor {
  readonly sub: string;
  readonly role: Principal['role'] | 'system';
  readonly requestId: string;
}
