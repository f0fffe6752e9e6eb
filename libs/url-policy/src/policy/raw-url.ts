export interface RawUrlParts {
  readonly authority: string;
  readonly path: string;
  readonly query?: string;
  readonly fragment?: string;
}

/**
 * Splits the text as typed, before WHATWG parsing normalises it: `new URL` silently removes dot
 * segments, empty queries and fragments, so rules about them must look at the original.
 * Undefined when the text does not start with `http://` or `https://`.
 */
export function splitRawUrl(text: string): RawUrlParts | undefined {
  const match = /^https?:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(text);
  if (match === null) return undefined;
  const [, authority = '', path = '', query, fragment] = match;
  return {
    authority,
    path,
    ...(query === undefined ? {} : { query }),
    ...(fragment === undefined ? {} : { fragment }),
  };
}
