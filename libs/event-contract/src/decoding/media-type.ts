/** A Content-Type value split into its lower-cased media type and its `charset`, if any. */
export interface MediaType {
  readonly type: string;
  readonly charset?: string;
}

export function parseMediaType(value: string): MediaType {
  const [type = '', ...parameters] = value.split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  return charset === undefined
    ? { type: type.trim().toLowerCase() }
    : { type: type.trim().toLowerCase(), charset };
}

/** JSON text is UTF-8 (RFC 8259 §8.1); a declared charset must agree. */
export function isUtf8Charset(mediaType: MediaType): boolean {
  return mediaType.charset === undefined || mediaType.charset === 'utf-8' || mediaType.charset === 'utf8';
}
