const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;
const MAX_TRACEPARENT_LENGTH = 512;

/**
 * Parses a W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header).
 * Returns it normalised to version 00, or undefined when it is malformed: trace context is best effort
 * and must never make an event invalid. Later versions are read by their version-00 prefix, as the
 * specification asks; version ff and all-zero ids are invalid.
 */
export function parseTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_TRACEPARENT_LENGTH) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return undefined;
  return `00-${traceId}-${parentId}-${flags}`;
}
