import { type EndpointFamily } from '../faults/fault.types';
import { type Reply, type Route, type RouteMatch } from './http.types';

/**
 * A tiny case-insensitive router: literal segments are compared lower-cased, parameters keep the
 * caller's spelling (Safe names, account ids). A linear scan is plenty for a dozen routes.
 */
export class Router<C, R = Reply, F extends string = EndpointFamily> {
  private readonly routes: Route<C, R, F>[] = [];

  add(method: string, path: string, family: F, handle: (context: C, params: readonly string[]) => R): this {
    const pattern = path
      .split('/')
      .filter((segment) => segment.length > 0)
      .map((segment) => (segment.startsWith(':') ? ':' : segment.toLowerCase()));
    this.routes.push({ method, pattern, family, handle });
    return this;
  }

  match(method: string, segments: readonly string[]): RouteMatch<C, R, F> {
    let pathExists = false;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      pathExists = true;
    }
    return pathExists ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index];
    const actual = segments[index];
    if (expected === ':') params.push(actual);
    else if (expected !== actual.toLowerCase()) return undefined;
  }
  return params;
}
