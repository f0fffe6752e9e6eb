import { RequestValidationError } from '../http/admin.errors';

const VERSION = 'v1';

/** Opaque page cursors: clients pass them back untouched; the content is ours to change. */
export function encodeCursor(position: string): string {
  return Buffer.from(`${VERSION}:${position}`, 'utf8').toString('base64url');
}

/** The position in `cursor`, or a 400 naming the field when it was not produced by `encodeCursor`. */
export function decodeCursor(cursor: string | undefined, valid: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = text.startsWith(`${VERSION}:`) ? text.slice(VERSION.length + 1) : undefined;
  if (position === undefined || !valid.test(position)) {
    throw new RequestValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API' }]);
  }
  return position;
}
