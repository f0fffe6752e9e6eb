/**
 * A tiny router for the control API: literal segments compare case-insensitively, `:name`
 * segments capture (keeping their spelling). A linear scan is plenty for a few dozen routes.
 */
export type RouteMatch<H> =
  { kind: 'found'; handler: H; params: string[] } | { kind: 'method-not-allowed' } | { kind: 'not-found' };

interface Route<H> {
  method: string;
  pattern: readonly string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, path: string, handler: H): this {
    const pattern = path
      .split('/')
      .filter((segment) => segment.length > 0)
      .map((segment) => (segment.startsWith(':') ? ':' : segment.toLowerCase()));
    this.routes.push({ method, pattern, handler });
    return this;
  }

  match(method: string, segments: readonly string[]): RouteMatch<H> {
    let pathExists = false;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      pathExists = true;
    }
    return pathExists ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (let index = 0; index < pattern.length; index++) {
    if (pattern[index] === ':') params.push(segments[index]);
    else if (pattern[index] !== segments[index].toLowerCase()) return undefined;
  }
  return params;
}
