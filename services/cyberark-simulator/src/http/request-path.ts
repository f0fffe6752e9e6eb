import {
  MalformedPathError,
  nonEmpty,
  parseTarget as parseRequestTarget,
  type RequestTarget,
} from '@vault-backup/simulator-kit';

export { MalformedPathError };

/** A request target whose segments are non-empty: a trailing or doubled `/` is tolerated. */
export type ParsedTarget = RequestTarget;

export function parseTarget(url: string): ParsedTarget {
  const target = parseRequestTarget(url);
  return { ...target, segments: nonEmpty(target.segments) };
}

/** Case-insensitive query lookup: CyberArk accepts `Search` and `search` alike. */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const direct = query.get(name);
  if (direct !== null) return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
