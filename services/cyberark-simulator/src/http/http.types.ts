import { type EndpointFamily } from '../faults/fault.types';

/** What a handler answers; `body` is serialised as JSON, `undefined` means an empty body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route<C, R = Reply, F extends string = EndpointFamily> {
  method: string;
  /** Lower-case literal segments, or `:` for a parameter. */
  pattern: readonly string[];
  family: F;
  handle: (context: C, params: readonly string[]) => R;
}

export type RouteMatch<C, R = Reply, F extends string = EndpointFamily> =
  | { kind: 'found'; route: Route<C, R, F>; params: string[] }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };
